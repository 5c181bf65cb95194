import ArgumentParser
import Logging
import PacketFlowCore
import PacketFlowLanguage
import PacketFlowPostgres
import PacketFlowRuntime

/// Rows per second of the PostgreSQL sink's write path, one-row statements against batches.
///
/// Writes generated packets (id, an integer, a number, a text and the payload as jsonb) through
/// `PostgresTableWriter`, as the connector does after consuming them, into a fresh table per
/// run; then writes the last run's rows again to time the duplicate path. Run by run.sh,
/// which starts a throwaway server.
@main
struct PostgresSinkBenchmark: AsyncParsableCommand {
    @Option(help: "The database URL.")
    var url: String

    @Option(help: "Rows per batched run.")
    var rows: Int = 200_000

    @Option(help: "Rows for the one-row-per-statement run (slow).")
    var singleRows: Int = 10_000

    @Option(help: "Rows per statement of the batched runs.")
    var batches: [Int] = [50, 500, 2_000]

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        print("| rows per statement | rows | seconds | rows/s |")
        print("|---:|---:|---:|---:|")
        var last: (PostgresSinkConfiguration, [PostgresSinkRow])?
        for batch in [1] + batches {
            let count = batch == 1 ? singleRows : rows
            let table = "bench_\(batch)"
            let configuration = try configuration(table: table, batch: batch)
            let packets = try Self.rows(count, mappings: configuration.columns)
            let writer = PostgresTableWriter(configuration: configuration, logger: logger)
            try await writer.prepare()
            let seconds = try await Self.time(writer, packets, expectInserted: count)
            await writer.close()
            print("| \(batch) | \(count) | \(String(format: "%.2f", seconds)) | \(Int(Double(count) / seconds)) |")
            last = (configuration, packets)
        }
        if let (configuration, packets) = last {
            let writer = PostgresTableWriter(configuration: configuration, logger: logger)
            let seconds = try await Self.time(writer, packets, expectInserted: 0)
            await writer.close()
            print("| \(configuration.maxBatchRows), all duplicates | \(packets.count) | \(String(format: "%.2f", seconds)) | \(Int(Double(packets.count) / seconds)) |")
        }
    }

    private func configuration(table: String, batch: Int) throws -> PostgresSinkConfiguration {
        let plan = TopologyPlan(
            molecule: "Bench", stages: [], topics: [], deadLetterTopic: "pf.Bench.dead-letter", stateStores: [],
            placementHints: [], connectors: [])
        let connector = ConnectorPlan(
            name: "postgres",
            options: ["table": table, "columns": "n, total=amount.total, city, doc=@payload", "create": "true", "batch": String(batch)],
            topic: "pf.Bench.connector.postgres", stages: [])
        return try PostgresSinkConfiguration(
            connector: ConnectorConfiguration(connector: connector, plan: plan, bootstrapServers: "unused:9092"),
            url: try PostgresConnectionURL(url))
    }

    /// Writes `rows` in consumed-batch-sized pieces of 1,000, as the connector receives them.
    private static func time(_ writer: PostgresTableWriter, _ rows: [PostgresSinkRow], expectInserted: Int) async throws -> Double {
        let clock = ContinuousClock()
        var inserted = 0
        let elapsed = try await clock.measure {
            var start = 0
            while start < rows.count {
                let end = min(start + 1_000, rows.count)
                inserted += try await writer.write(Array(rows[start..<end])).inserted
                start = end
            }
        }
        guard inserted == expectInserted else { throw ValidationError("inserted \(inserted) rows, expected \(expectInserted)") }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private static func rows(_ count: Int, mappings: [PostgresColumnMapping]) throws -> [PostgresSinkRow] {
        let cities = ["Lyon", "Oslo", "Lima", "Pune"]
        return try (0..<count).map { index in
            let payload = #"{"n":\#(index),"amount":{"total":\#(index % 1000).25},"city":"\#(cities[index % 4])"}"#
            let record = PacketRecord(
                topic: "pf.Bench.connector.postgres", partition: 0, offset: Int64(index), timestampMilliseconds: nil,
                key: nil, value: Array(payload.utf8), headers: [PacketHeader(name: "pf-id", text: "bench-\(index)")])
            return try PostgresSinkRow.make(from: record, mappings: mappings).get()
        }
    }
}
