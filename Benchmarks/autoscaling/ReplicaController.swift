/// A policy that looks at the topic now and then and sets the stage's replicas.
protocol ReplicaController {
    /// The name used in the CSV columns and the table.
    var name: String { get }
    /// Called every tick; returns the replicas to run, or `nil` to leave them as they are.
    mutating func replicas(at time: Double, topic: TopicModel) -> Int?
    /// One line per scale event, saying why.
    var log: [String] { get }
}
