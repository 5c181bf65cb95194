// A worker executable with Swift handlers for the concept's processing pipeline.
//
// Your own package depends on the PacketFlow library, registers one handler per packet name
// used in the molecule file (`swift("validate")`...), and runs the stage it is told to:
//
//   swift run ProcessingPipelineWorker --stage ValidatePacket
//   swift run ProcessingPipelineWorker --stage ComputePacket --bootstrap 127.0.0.1:9092
//
// Start one process per stage (or several per stage to share its partitions); SIGTERM or
// Ctrl-C drains the worker.
import Foundation
import Logging
import PacketFlow

@main
struct ProcessingPipelineWorker {
    /// The handlers named in examples/processing-pipeline.pf.
    static func handlers() -> HandlerRegistry {
        let handlers = HandlerRegistry()
        // CF: runs one packet at a time per key; a thrown error is retried, then dead-lettered.
        handlers.register("validate") { packet, _ in
            let order = try packet.json()
            guard let id = order[path: "order.id"]?.stringValue, !id.isEmpty else {
                throw RuntimeError(.handlerFailed, "order without order.id")
            }
            return [packet]
        }
        // DF: many calls at once; returns the order with its total.
        handlers.register("compute") { packet, _ in
            guard var order = try packet.json().objectValue else { return [] }
            let items = order["items"]?.arrayValue ?? []
            let total = items.reduce(0.0) { sum, item in
                sum + (item["price"]?.doubleValue ?? 0) * (item["qty"]?.doubleValue ?? 1)
            }
            _ = order.updateValue(.number(total), forKey: "total")
            return [try packet.with(json: .object(order))]
        }
        // CF: where a real pipeline writes to its database; ids repeat on redelivery, so a sink
        // can drop duplicates by packet id.
        handlers.register("save") { packet, context in
            context.logger.info("saved", metadata: ["id": "\(packet.id)"])
            return [packet]
        }
        return handlers
    }

    static func main() async throws {
        let arguments = CommandLine.arguments
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        guard let stage = option("--stage") else {
            FileHandle.standardError.write(Data("usage: ProcessingPipelineWorker --stage NAME [--molecule FILE] [--bootstrap HOST:PORT]\n".utf8))
            exit(2)
        }
        var logger = Logger(label: "pipeline.\(stage)")
        logger.logLevel = .info
        do {
            try await WorkerLauncher.run(
                moleculeFile: option("--molecule") ?? "examples/processing-pipeline.pf",
                stage: stage,
                bootstrapServers: option("--bootstrap") ?? ProcessInfo.processInfo.environment["PACKETFLOW_BOOTSTRAP"] ?? "127.0.0.1:9092",
                handlers: handlers(),
                logger: logger)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }
}
