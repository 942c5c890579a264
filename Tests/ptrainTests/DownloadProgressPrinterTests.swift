import Synchronization
import Testing
import ptrain

@Suite("download progress printer")
struct DownloadProgressPrinterTests {
    @Test func plainOutputIsOneLinePerFinishedFile() {
        let output = Mutex("")
        let printer = DownloadProgressPrinter(
            terminal: false, write: { text in output.withLock { $0 += text } }, now: { 0 })
        printer.report(file: "a.gz", bytesDone: 0, bytesTotal: 2000)
        printer.report(file: "a.gz", bytesDone: 2000, bytesTotal: 2000)
        printer.report(file: "b.gz", bytesDone: 700, bytesTotal: nil)
        printer.finish()
        printer.finish()  // idempotent
        #expect(output.withLock { $0 } == "a.gz  2.0 kB / 2.0 kB  100%\nb.gz  700 B\n")
    }

    @Test func terminalRedrawsInPlaceAndEndsEachFileWithANewline() {
        let output = Mutex("")
        let printer = DownloadProgressPrinter(
            terminal: true, write: { text in output.withLock { $0 += text } }, now: { 0 })
        printer.report(file: "a.gz", bytesDone: 0, bytesTotal: 2000)
        printer.report(file: "a.gz", bytesDone: 1000, bytesTotal: 2000)  // same instant: not drawn
        printer.report(file: "a.gz", bytesDone: 2000, bytesTotal: 2000)  // done: always drawn
        printer.finish()
        let erase = "\u{1B}[K"
        #expect(
            output.withLock { $0 }
                == "\ra.gz  0 B / 2.0 kB  0%\(erase)\ra.gz  2.0 kB / 2.0 kB  100%\(erase)\ra.gz  2.0 kB / 2.0 kB  100%\(erase)\n"
        )
    }
}
