import Foundation

extension MetricsTable {
    /// The header's column names, in order.
    public static let columns = header.split(separator: ",").map(String.init)

    /// Reads and checks the `metrics.csv` at `path` (see `parse(_:path:)`).
    public static func read(path: String) throws(MetricsError) -> [EpochRecord] {
        let data: Data
        do {
            data = try FileContents.data(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// The records of a `metrics.csv` as `csv(_:)` writes it, checked line by line: the exact header first,
    /// then at least one line of six fields, every field a finite number, the epoch a whole number ≥ 1 and
    /// greater than the line before's, the three accuracies in [0, 1], seconds and samples per second ≥ 0.
    /// The file ends with one newline or none; an empty line before that is an error.
    ///
    /// - Throws: `MetricsError` naming `path`, the line and the column of the first problem.
    public static func parse(_ text: String, path: String) throws(MetricsError) -> [EpochRecord] {
        guard !text.isEmpty else { throw .empty(path: path) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first == header else {
            throw .badHeader(path: path, found: lines.first.map(String.init) ?? "")
        }
        guard lines.count >= 2 else { throw .noEpochs(path: path) }
        var records: [EpochRecord] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let number = index + 1
            guard !line.isEmpty else { throw .blankLine(path: path, line: number) }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns.count else {
                throw .columnCount(path: path, line: number, found: fields.count)
            }
            var values: [Double] = []
            for (column, field) in zip(columns, fields) {
                guard let value = Double(field) else {
                    throw .notANumber(path: path, line: number, column: column, text: field)
                }
                guard value.isFinite else { throw .notFinite(path: path, line: number, column: column, text: field) }
                guard column != columns[0] else {  // the epoch: checked below, as a whole number
                    values.append(value)
                    continue
                }
                let isAccuracy = column.contains("accuracy")
                if isAccuracy && !(0...1).contains(value) {
                    throw .outOfRange(path: path, line: number, column: column, text: field, allowed: "[0, 1]")
                }
                if !isAccuracy && value < 0 {
                    throw .outOfRange(path: path, line: number, column: column, text: field, allowed: "[0, ∞)")
                }
                values.append(value)
            }
            guard let epoch = Int(fields[0]), epoch >= 1 else {
                throw .badEpoch(path: path, line: number, text: fields[0])
            }
            if let previous = records.last?.epoch, epoch <= previous {
                throw .epochNotIncreasing(path: path, line: number, epoch: epoch, previous: previous)
            }
            records.append(
                EpochRecord(
                    epoch: epoch, trainAccuracy: values[1], testSpikeAccuracy: values[2],
                    testRelaxedAccuracy: values[3], seconds: values[4], samplesPerSecond: values[5]))
        }
        return records
    }
}
