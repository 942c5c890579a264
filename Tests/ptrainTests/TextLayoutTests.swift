import Testing
import ptrain

@Suite("text layout")
struct TextLayoutTests {
    @Test func wrapsGreedilyWithHangingIndent() {
        let lines = TextLayout.wrap("aaa bbb ccc  ddd\neee", width: 12, indent: 4, firstIndent: 0)
        #expect(lines == ["aaa bbb ccc", "    ddd eee"])
    }

    @Test func aLongWordGetsItsOwnLine() {
        #expect(TextLayout.wrap("a abcdefghijkl b", width: 6) == ["a", "abcdefghijkl", "b"])
    }

    @Test func emptyTextHasNoLines() {
        #expect(TextLayout.wrap("   ", width: 10) == [])
    }

    @Test func padding() {
        #expect(TextLayout.padLeft("7", 3) == "  7")
        #expect(TextLayout.padRight("7", 3) == "7  ")
        #expect(TextLayout.padLeft("1234", 3) == "1234")
    }
}
