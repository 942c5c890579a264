import Foundation

extension MetricsTable {
    /// The column names every file has, in order (`header`).
    public static let columns = header.split(separator: ",").map(String.init)

    /// The optional groups a header line names after the six fixed columns, or nil when it is not one this
    /// reader writes (the fixed columns, then whole groups in `optionalGroups` order, each at most once).
    static func groups(inHeader line: Substring) -> [ColumnGroup]? {
        let names = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard names.count >= columns.count, Array(names.prefix(columns.count)) == columns else { return nil }
        var rest = names.dropFirst(columns.count)
        var found: [ColumnGroup] = []
        for group in optionalGroups where rest.starts(with: group.columns) {
            found.append(group)
            rest = rest.dropFirst(group.columns.count)
        }
        return rest.isEmpty ? found : nil
    }

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

    /// The records of a `metrics.csv` as `csv(_:)` writes it, checked line by line: the header first (the six
    /// fixed columns, then optional groups as `csv(_:)` writes them), then at least one line with one field per
    /// column, every field a finite number (a field of an optional group may be empty: no value that epoch), the epoch a whole number ≥ 1 and
    /// greater than the line before's, the three accuracies in [0, 1], seconds and samples per second ≥ 0.
    /// The file ends with one newline or none; an empty line before that is an error.
    ///
    /// - Throws: `MetricsError` naming `path`, the line and the column of the first problem.
    public static func parse(_ text: String, path: String) throws(MetricsError) -> [EpochRecord] {
        guard !text.isEmpty else { throw .empty(path: path) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, let groups = groups(inHeader: first) else {
            throw .badHeader(path: path, found: lines.first.map(String.init) ?? "")
        }
        let allColumns = columns + groups.flatMap(\.columns)
        guard lines.count >= 2 else { throw .noEpochs(path: path) }
        var records: [EpochRecord] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let number = index + 1
            guard !line.isEmpty else { throw .blankLine(path: path, line: number) }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == allColumns.count else {
                throw .columnCount(path: path, line: number, found: fields.count, expected: allColumns.count)
            }
            var values: [Double] = []
            var optionalValues: [Double?] = []
            for (index, (column, field)) in zip(allColumns, fields).enumerated() {
                if index >= columns.count && field.isEmpty {
                    optionalValues.append(nil)
                    continue
                }
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
                if index < columns.count { values.append(value) } else { optionalValues.append(value) }
            }
            guard let epoch = Int(fields[0]), epoch >= 1 else {
                throw .badEpoch(path: path, line: number, text: fields[0])
            }
            if let previous = records.last?.epoch, epoch <= previous {
                throw .epochNotIncreasing(path: path, line: number, epoch: epoch, previous: previous)
            }
            var record = EpochRecord(
                epoch: epoch, trainAccuracy: values[1], testSpikeAccuracy: values[2],
                testRelaxedAccuracy: values[3], seconds: values[4], samplesPerSecond: values[5])
            for (g, group) in groups.enumerated() {
                let pair = (optionalValues[2 * g], optionalValues[2 * g + 1])
                switch pair {
                case (let spike?, let relaxed?): group.assign(&record, ReadoutAccuracy(spike: spike, relaxed: relaxed))
                case (nil, nil): break
                default:  // one of the pair empty: the model has both readouts or neither
                    let column = group.columns[pair.0 == nil ? 0 : 1]
                    throw .notANumber(path: path, line: number, column: column, text: "")
                }
            }
            records.append(record)
        }
        return records
    }
}
