import Logging

/// What a handler call knows besides its packet: where it runs and what it may use.
///
/// A new context is passed to every call; it is cheap to copy and safe to keep for the call's
/// duration. State stores exist for stages joined by metallic bonds; the cache and the budget
/// exist for resource-management (RM) stages and are `nil` elsewhere.
public struct HandlerContext: Sendable {
    /// The molecule the stage belongs to.
    public var molecule: String
    /// The stage running the call.
    public var stage: String
    /// The packet (of the stage's covalent chain) whose handler is called.
    public var packetName: String
    /// 1 for the first try, then 2, 3... on retries.
    public var attempt: Int
    /// A logger labelled with the stage.
    public var logger: Logger
    /// The shared cache of an RM stage, one per worker; `nil` for other groups.
    public var cache: ResourceCache?
    /// The token-bucket budget of an RM stage, one per worker; `nil` for other groups.
    public var budget: TokenBucket?

    let stores: [String: StateStore]

    /// Creates a context, e.g. to unit-test a handler without a worker.
    public init(
        molecule: String, stage: String, packetName: String, attempt: Int = 1,
        logger: Logger = Logger(label: "packetflow.handler"),
        stateStores: [StateStore] = [], cache: ResourceCache? = nil, budget: TokenBucket? = nil
    ) {
        self.init(
            molecule: molecule, stage: stage, packetName: packetName, attempt: attempt, logger: logger,
            stores: Dictionary(stateStores.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
            cache: cache, budget: budget)
    }

    /// Creates a context with the stores already keyed by name: the worker's per-call path.
    init(
        molecule: String, stage: String, packetName: String, attempt: Int, logger: Logger,
        stores: [String: StateStore], cache: ResourceCache?, budget: TokenBucket?
    ) {
        self.molecule = molecule
        self.stage = stage
        self.packetName = packetName
        self.attempt = attempt
        self.logger = logger
        self.cache = cache
        self.budget = budget
        self.stores = stores
    }

    /// The state store `name` shared through a metallic bond, or the only one when `name` is nil.
    ///
    /// Throws ``RuntimeError`` (`unknownStateStore`) when the stage shares no such store.
    public func stateStore(_ name: String? = nil) throws -> StateStore {
        if let name, let store = stores[name] { return store }
        if name == nil, stores.count == 1, let store = stores.values.first { return store }
        let known = stores.keys.sorted().joined(separator: ", ")
        throw RuntimeError(
            .unknownStateStore,
            "stage \(stage) shares no state store\(name.map { " named \($0)" } ?? "")\(known.isEmpty ? "; bond its packet with :metallic" : "; it shares \(known)")")
    }
}
