import Foundation
import Logging
import PacketFlowCore
import PacketFlowKafka
import PacketFlowLanguage
import PacketFlowReactor
import ServiceLifecycle

/// The reactor: owns deployed molecules, samples their stages and scales their workers.
///
/// `run()` rebuilds the deployed molecules from the registry (adopting or starting their
/// workers), becomes ready, then every sampling interval samples each stage, lets the
/// ``Autoscaler`` decide, asks the ``WorkerScaler`` for the result, judges health with
/// ``StageHealth`` and carries out its healing reactions. Every scale event, healing reaction,
/// pause and obeyed override is published as an MC packet on the control topic. A stage paused
/// (by the reaction to a dead-letter storm downstream, or by `packetflow pause`) stays paused,
/// and is neither autoscaled nor healed, until `packetflow resume` or a new deploy. On graceful
/// shutdown it drains its workers.
///
/// An actor: decisions are not hot, and one place serialises deploys, overrides and ticks.
public actor ReactorService: Service {
    private let configuration: ReactorConfiguration
    private let registry: any MoleculeRegistryStorage
    private let control: any ControlPublisher
    private let lagSource: any LagSource
    private let scaler: any WorkerScaler
    private let provisionTopics: @Sendable ([TopicSpec]) async throws -> [String: Int]
    private let readCommands: (@Sendable (@escaping @Sendable (ControlCommand) async -> Void) async throws -> Void)?
    private let metrics: ReactorMetrics
    private let logger: Logger
    private let rules: ReactorStage.Rules
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    private var molecules: [String: DeployedMolecule] = [:]
    private var stages: [String: [StageState]] = [:]
    private var deadLetters: [String: DeadLetterCounts] = [:]
    /// Paused stages per molecule, with the reason; mirrored in the registry record.
    private var paused: [String: [String: String]] = [:]
    /// When each stage, or the stage feeding it, was last resumed: dead letters before it are
    /// no longer a storm.
    private var resumedAt: [String: [String: Duration]] = [:]
    /// The time of the latest sampling round: what a resume is dated to, so the sample taken
    /// then is the storm count's new baseline.
    private var lastTick: Duration = .zero
    /// True once the registry is loaded: `/readyz` answers 200.
    public private(set) var isReady = false

    /// Creates the reactor from its parts; nothing runs until `run()`.
    ///
    /// `provisionTopics` creates a deployed molecule's topics and tells their partition counts
    /// (TopicProvisioner in production);
    /// `readCommands` reads control commands until cancelled (``KafkaControlChannel/readCommands(_:)``),
    /// nil when they only arrive through the `obey` methods.
    public init(
        configuration: ReactorConfiguration,
        registry: any MoleculeRegistryStorage,
        control: any ControlPublisher,
        lagSource: any LagSource,
        scaler: any WorkerScaler,
        metrics: ReactorMetrics = ReactorMetrics(),
        provisionTopics: @escaping @Sendable ([TopicSpec]) async throws -> [String: Int],
        readCommands: (@Sendable (@escaping @Sendable (ControlCommand) async -> Void) async throws -> Void)? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.registry = registry
        self.control = control
        self.lagSource = lagSource
        self.scaler = scaler
        self.metrics = metrics
        self.provisionTopics = provisionTopics
        self.readCommands = readCommands
        self.logger = logger
        var rules = ReactorStage.Rules(
            autoscaler: Autoscaler(configuration: configuration.autoscaler), health: StageHealth(configuration: configuration.health))
        rules.reactionInterval = configuration.reactionInterval
        rules.restartGrace = configuration.restartGrace
        self.rules = rules
        self.origin = clock.now
    }

    /// The metrics `/metrics` renders.
    public nonisolated var reactorMetrics: ReactorMetrics { metrics }

    public func run() async throws {
        try await loadRegistry()
        let interval = configuration.autoscaler.samplingInterval
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let readCommands {
                group.addTask {
                    try await cancelWhenGracefulShutdown {
                        try await readCommands { command in await self.obey(command) }
                    }
                }
            }
            group.addTask { [lagSource, logger] in
                do {
                    try await cancelWhenGracefulShutdown { try await lagSource.followDeadLetters() }
                } catch is CancellationError {
                    // Shutting down.
                } catch {
                    logger.error("cannot read the dead-letter topics: dead letters are not counted", metadata: ["error": "\(error)"])
                }
            }
            group.addTask {
                try await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        try await Task.sleep(for: interval)
                        await self.tick()
                    }
                }
            }
            do {
                try await group.waitForAll()
            } catch is CancellationError {
                // Graceful shutdown ends the loops by cancellation.
            }
        }
        logger.info("reactor stopping: draining workers")
        await scaler.shutdown()
    }

    /// Rebuilds state from the registry and starts (or keeps adopted) workers; then ready.
    public func loadRegistry() async throws {
        let loaded = try await registry.load()
        for molecule in loaded.values.sorted(by: { $0.name < $1.name }) {
            do {
                try await install(molecule)
            } catch let error as ReactorError where error.code == .invalidMolecule {
                // A record no deploy could have written (the registry topic written by hand):
                // the others still run.
                logger.error("registry record refused: \(error.message)", metadata: ["molecule": "\(molecule.name)"])
            }
        }
        isReady = true
        logger.info("registry loaded", metadata: ["molecules": "\(loaded.count)"])
    }

    // MARK: Deploy, undeploy, list, status

    /// Checks, plans, creates the topics of, registers and starts `source`.
    ///
    /// Throws ``ReactorError`` (`invalidMolecule` with rendered diagnostics) and deploys
    /// nothing when the molecule has errors. Deploying a molecule again replaces its plan
    /// (its workers restart on the new file) and lifts its manual overrides and pauses.
    @discardableResult
    public func deploy(source: String, sourceName: String = "molecule.pf", molecule: String? = nil) async throws
        -> MoleculeSummary
    {
        try await deploy(bundle: MoleculeBundle(root: sourceName, files: [sourceName: source]), molecule: molecule)
    }

    /// Checks, plans, creates the topics of, registers and starts the bundle's root molecule,
    /// its imports read from the bundle; as ``deploy(source:sourceName:molecule:)`` otherwise.
    @discardableResult
    public func deploy(bundle: MoleculeBundle, molecule: String? = nil) async throws -> MoleculeSummary {
        var deployed = try DeployedMolecule.make(bundle: bundle, molecule: molecule)
        let topics = try deployed.plan.topics.map { topic throws(TopicError) in
            var spec = try TopicSpec(name: topic.name, partitions: topic.partitions, configs: topic.kafkaConfigs)
            spec.acceptsFewerPartitions = !topic.managed
            return spec
        }
        // A user's own topic with fewer partitions is used as it is; its stages scale to its partitions.
        let (plan, warnings) = deployed.plan.adopting(partitions: try await provisionTopics(topics))
        deployed.plan = plan
        for warning in warnings {
            logger.warning("\(warning)", metadata: ["molecule": "\(deployed.name)"])
        }
        try await registry.write(deployed)
        if molecules[deployed.name] != nil {
            await liftPauses(of: deployed.name, reason: "redeployed")
            await scaler.stopAll(molecule: deployed.name)
        }
        try await install(deployed)
        logger.info("deployed", metadata: ["molecule": "\(deployed.name)", "stages": "\(plan.stages.count)"])
        return await summary(deployed.name)!
    }

    /// Stops the molecule's workers and removes it from the registry.
    public func undeploy(_ name: String) async throws {
        guard molecules[name] != nil else {
            throw ReactorError(.unknownMolecule, "no molecule named \(name) is deployed")
        }
        try await registry.remove(name)
        await liftPauses(of: name, reason: "undeployed")
        molecules[name] = nil
        stages[name] = nil
        deadLetters[name] = nil
        resumedAt[name] = nil
        await scaler.stopAll(molecule: name)
        logger.info("undeployed", metadata: ["molecule": "\(name)"])
    }

    /// The registry record of the molecule `name`, or nil when none is deployed.
    public func deployed(_ name: String) -> DeployedMolecule? {
        molecules[name]
    }

    /// Every deployed molecule, sorted by name.
    public func list() async -> [MoleculeSummary] {
        var summaries: [MoleculeSummary] = []
        for name in molecules.keys.sorted() {
            if let summary = await summary(name) { summaries.append(summary) }
        }
        return summaries
    }

    /// The status of the molecule `name`; throws ``ReactorError`` (`unknownMolecule`).
    public func status(_ name: String) async throws -> MoleculeStatus {
        guard let molecule = molecules[name], let states = stages[name] else {
            throw ReactorError(.unknownMolecule, "no molecule named \(name) is deployed")
        }
        var stageStatuses: [StageStatus] = []
        for state in states { stageStatuses.append(await stageStatus(state, molecule: name)) }
        return MoleculeStatus(
            molecule: name, sourceName: molecule.sourceName, deadLetterTopic: molecule.plan.deadLetterTopic,
            deadLetters: deadLetters[name]?.records ?? 0, stages: stageStatuses)
    }

    /// What KEDA's metrics-api trigger reads for one stage.
    public func desiredReplicas(molecule: String, stage: String) async throws -> DesiredReplicasResponse {
        let state = try stageState(molecule: molecule, stage: stage)
        let input = state.model.scalingInput(now: now, running: 0)
        return DesiredReplicasResponse(
            molecule: molecule, stage: stage, desiredReplicas: state.model.desired,
            currentReplicas: await scaler.running(state.worker), minReplicas: input.policy.minReplicas,
            maxReplicas: min(input.policy.maxReplicas, max(1, state.plan.partitions)),
            reason: state.model.lastDecision ?? "\(stage): starting with \(state.model.desired)")
    }

    // MARK: Overrides

    /// Obeys a manual override: pins the stage at its replicas (nil: back to autoscaling),
    /// scales now and publishes what it did as an MC packet. Unknown stages are logged and ignored.
    public func obey(_ override: ScaleOverride) async {
        do {
            try await apply(override)
        } catch {
            logger.error("\(error)", metadata: ["molecule": "\(override.molecule)", "stage": "\(override.stage)"])
        }
    }

    /// Carries out an override: the stage's model, the registry (so a restarted reactor keeps
    /// the pin) and the workers. Throws ``ReactorError`` (`unknownStage`, `registryFailed`,
    /// `workerFailed`) once it has done what it could.
    private func apply(_ override: ScaleOverride) async throws {
        guard let index = stages[override.molecule]?.firstIndex(where: { $0.plan.name == override.stage }) else {
            throw ReactorError(.unknownStage, "no stage \(override.stage) in a deployed molecule \(override.molecule): override ignored")
        }
        let (words, desired) = stages[override.molecule]![index].model.obey(replicas: override.replicas)
        let state = stages[override.molecule]![index]
        var failure: ReactorError?
        if var molecule = molecules[override.molecule] {
            var pins = molecule.manualReplicas ?? [:]
            pins[override.stage] = state.model.manual
            molecule.manualReplicas = pins.isEmpty ? nil : pins
            molecules[override.molecule] = molecule
            do {
                try await registry.write(molecule)
            } catch {
                failure = ReactorError(
                    .registryFailed, "\(override.stage) set to \(desired) replicas, but not recorded in the registry (a restarted reactor forgets it): \(error)")
            }
        }
        do {
            try await scaler.setReplicas(desired, for: state.worker)
        } catch {
            failure = ReactorError(.workerFailed, "cannot scale \(override.stage) to \(desired) replicas: \(error)")
        }
        logger.notice("\(words)", metadata: ["molecule": "\(override.molecule)"])
        metrics.countDecision(molecule: override.molecule, stage: override.stage, action: "manual")
        await publish(
            kind: "ScaleOverrideObeyed", molecule: override.molecule, stage: override.stage,
            payload: #"{"desiredReplicas":\#(desired),"explanation":\#(Self.quoted(words)),"manual":\#(state.model.manual.map(String.init) ?? "null"),"stage":\#(Self.quoted(override.stage))}"#
        )
        if let failure { throw failure }
    }

    /// Pins `stage` at `replicas` (nil: back to autoscaling) as ``obey(_:)-(ScaleOverride)``
    /// does, for the API; returns the stage's status after it.
    ///
    /// Throws ``ReactorError`` (`unknownMolecule`, `unknownStage`).
    public func scale(molecule: String, stage: String, replicas: Int?) async throws -> StageStatus {
        _ = try stageState(molecule: molecule, stage: stage)
        do {
            try await apply(ScaleOverride(molecule: molecule, stage: stage, replicas: replicas))
        } catch {
            logger.error("\(error)", metadata: ["molecule": "\(molecule)", "stage": "\(stage)"])
            throw error
        }
        return try await status(molecule: molecule, stage: stage)
    }

    /// One stage's status. Throws ``ReactorError`` (`unknownMolecule`, `unknownStage`).
    public func status(molecule: String, stage: String) async throws -> StageStatus {
        await stageStatus(try stageState(molecule: molecule, stage: stage), molecule: molecule)
    }

    /// Obeys a command read from the control topic.
    public func obey(_ command: ControlCommand) async {
        switch command {
        case .scale(let override): await obey(override)
        case .pause(let pause): await obey(pause)
        case .load(let report): record(report)
        }
    }

    /// Keeps a worker's latest load report for its stage's next decision; reports of unknown
    /// stages (an undeployed molecule's last workers) are dropped.
    public func record(_ report: WorkerLoadReport) {
        guard let index = stages[report.molecule]?.firstIndex(where: { $0.plan.name == report.stage }) else { return }
        stages[report.molecule]![index].model.record(report)
    }

    // MARK: Pauses

    /// Records a pause or resume the stage's workers obey by themselves (read from the control
    /// topic: `packetflow pause`, `packetflow resume`, or the reactor's own pause read back).
    ///
    /// The stage shows as paused with the command's reason until resumed; a repeated command
    /// changes nothing. Unknown stages are logged and ignored.
    public func obey(_ command: StagePauseCommand) async {
        guard stages[command.molecule]?.contains(where: { $0.plan.name == command.stage }) == true else {
            logger.warning(
                "ignoring a pause or resume of an unknown stage",
                metadata: ["molecule": "\(command.molecule)", "stage": "\(command.stage)"])
            return
        }
        let isPaused = paused[command.molecule]?[command.stage] != nil
        guard command.pause != isPaused else { return }
        await record(command)
    }

    /// Pauses `stage`: publishes a ``StagePauseCommand`` its workers obey and records it.
    ///
    /// Throws ``ReactorError`` (`unknownMolecule`, `unknownStage`, `controlFailed`).
    public func pause(molecule: String, stage: String, reason: String) async throws {
        try await send(StagePauseCommand(molecule: molecule, stage: stage, pause: true, reason: reason))
    }

    /// Resumes `stage`: publishes a ``StagePauseCommand`` its workers obey and records it.
    ///
    /// Throws ``ReactorError`` (`unknownMolecule`, `unknownStage`, `controlFailed`).
    public func resume(molecule: String, stage: String, reason: String = "resumed") async throws {
        try await send(StagePauseCommand(molecule: molecule, stage: stage, pause: false, reason: reason))
    }

    private func send(_ command: StagePauseCommand) async throws {
        _ = try stageState(molecule: command.molecule, stage: command.stage)
        try await control.publish(try command.packet())
        await record(command)
    }

    /// Marks the stage paused or running, in memory and in the registry record.
    private func record(_ command: StagePauseCommand) async {
        var pins = paused[command.molecule] ?? [:]
        pins[command.stage] = command.pause ? command.reason : nil
        paused[command.molecule] = pins.isEmpty ? nil : pins
        if !command.pause {
            // The storm that paused the stage is downstream of it: its evidence ends here too.
            let downstream = stages[command.molecule, default: []].filter { $0.model.upstream == command.stage }.map(\.plan.name)
            for stage in [command.stage] + downstream { resumedAt[command.molecule, default: [:]][stage] = lastTick }
        }
        let action = command.pause ? "pause-stage" : "resume-stage"
        metrics.countDecision(molecule: command.molecule, stage: command.stage, action: action)
        logger.notice(
            "\(command.stage): \(command.pause ? "paused" : "resumed"): \(command.reason)",
            metadata: ["molecule": "\(command.molecule)"])
        guard var molecule = molecules[command.molecule] else { return }
        molecule.pausedStages = pins.isEmpty ? nil : pins
        molecules[command.molecule] = molecule
        do {
            try await registry.write(molecule)
        } catch {
            logger.error("cannot record the pause", metadata: ["stage": "\(command.stage)", "error": "\(error)"])
        }
    }

    /// Resumes every paused stage of `name` (a redeploy or undeploy), so workers started
    /// later do not read an old pause.
    private func liftPauses(of name: String, reason: String) async {
        for stage in (paused[name] ?? [:]).keys.sorted() {
            let command = StagePauseCommand(molecule: name, stage: stage, pause: false, reason: reason)
            do {
                try await control.publish(try command.packet())
            } catch {
                logger.error("cannot resume a paused stage", metadata: ["stage": "\(stage)", "error": "\(error)"])
            }
        }
        paused[name] = nil
    }

    // MARK: Sampling and deciding

    /// One sampling round over every stage: sample, decide, scale, judge health, heal.
    ///
    /// `run()` calls it every sampling interval with the time since the reactor started.
    public func tick() async {
        await tick(at: now)
    }

    /// A sampling round at `time` (an offset from the reactor's start), for tests that drive
    /// time themselves. Times must increase from one call to the next.
    public func tick(at time: Duration) async {
        lastTick = time
        for name in molecules.keys.sorted() {
            guard let plan = molecules[name]?.plan else { continue }
            if let counts = try? await lagSource.deadLetters(topic: plan.deadLetterTopic) { deadLetters[name] = counts }
            for index in stages[name, default: []].indices {
                await tick(molecule: name, index: index, now: time)
            }
        }
    }

    /// One stage's round: observe (awaiting the scaler and the lag source), step its model on
    /// the state as it is after those awaits (no await between reading and writing it, so
    /// commands and reports recorded meanwhile are kept), then carry out what the step returns.
    private func tick(molecule: String, index: Int, now time: Duration) async {
        guard let observed = stages[molecule]?[index] else { return }
        let name = observed.plan.name
        let running = await scaler.running(observed.worker)
        let partitions: [PartitionLagSample]
        do {
            partitions = try await lagSource.partitions(of: observed.plan)
        } catch {
            logger.warning("cannot sample", metadata: ["stage": "\(name)", "error": "\(error)"])
            return
        }
        let restarts = await scaler.restarts(observed.worker)
        let crashLooping = await scaler.crashLooping(observed.worker)
        let counts = deadLetters[molecule] ?? .empty
        let observation = ReactorStage.Observation(
            time: time, wallMilliseconds: PacketID.nowMilliseconds(), running: running, partitions: partitions, restarts: restarts,
            crashLooping: crashLooping,
            deadLetters: counts.isComplete ? counts.byStage[name] ?? 0 : nil, pausedReason: paused[molecule]?[name],
            pausedStages: Set(paused[molecule]?.keys ?? [:].keys), resumedAt: resumedAt[molecule]?[name],
            sustainedInputRate: sustainedInputRate(of: observed.plan, molecule: molecule))
        guard let position = stages[molecule]?.firstIndex(where: { $0.plan.name == name }) else { return }
        let effects = stages[molecule]![position].model.step(observation)
        let state = stages[molecule]![position]
        await carryOut(effects, of: state, molecule: molecule)
        metrics.record(molecule: molecule, await stageStatus(state, molecule: molecule))
    }

    /// What the stages writing `plan`'s input topics pass on in steady state: each writer's
    /// lasting input times its outputs per input, summed. Nil when an input topic has no
    /// writing stage (a source: its own rate is the truth) or a writer's rate is unknown. A
    /// stage downstream of one catching up on a backlog is then not sized for the burst.
    private func sustainedInputRate(of plan: StagePlan, molecule: String) -> Double? {
        let others = stages[molecule, default: []].filter { $0.plan.name != plan.name }
        var total = 0.0
        for topic in plan.inputTopics {
            let writers = others.filter { $0.plan.outputTopics.contains(topic) }
            guard !writers.isEmpty else { return nil }
            for writer in writers {
                guard let rate = writer.model.sustainedOutputRate else { return nil }
                total += rate
            }
        }
        return total
    }

    /// Carries out a step's effects in order: logs, metrics and control-topic messages, then
    /// pauses, restarts and scaling.
    private func carryOut(_ effects: [ReactorStage.Effect], of state: StageState, molecule: String) async {
        let name = state.plan.name
        for effect in effects {
            switch effect {
            case .decided(let decision, let changed):
                metrics.countDecision(molecule: molecule, stage: name, action: decision.action.rawValue)
                if changed {
                    logger.notice("\(decision.explanation)", metadata: ["molecule": "\(molecule)"])
                    await publishPacket(ControlMessage.scalingDecision(decision).packet(molecule: molecule))
                }
            case .reacted(let reaction):
                metrics.countDecision(molecule: molecule, stage: name, action: reaction.action.rawValue)
                logger.warning(
                    "healing reaction",
                    metadata: ["stage": "\(reaction.stage)", "action": "\(reaction.action.rawValue)", "reason": "\(reaction.reason)"])
                await publishPacket(ControlMessage.healingReaction(reaction).packet(molecule: molecule))
            case .pause(let target, let reason):
                do {
                    try await pause(molecule: molecule, stage: target, reason: reason)
                } catch {
                    logger.error("cannot pause", metadata: ["stage": "\(target)", "error": "\(error)"])
                }
            case .restartWorkers:
                do {
                    try await scaler.restartWorkers(state.worker)
                } catch {
                    logger.error("cannot restart", metadata: ["stage": "\(name)", "error": "\(error)"])
                }
            case .scale(let replicas):
                do {
                    try await scaler.setReplicas(replicas, for: state.worker)
                } catch {
                    logger.error("cannot scale", metadata: ["stage": "\(name)", "error": "\(error)"])
                }
            }
        }
    }

    // MARK: Helpers

    private var now: Duration { clock.now - origin }

    private func install(_ molecule: DeployedMolecule) async throws {
        let file = try writeMoleculeFile(molecule)
        let plan = molecule.plan
        var states: [StageState] = []
        for stage in plan.stages {
            let worker = WorkerStage(molecule: molecule.name, stage: stage.name, moleculeFile: file)
            let upstream = plan.stages.first { other in
                other.name != stage.name && !Set(other.outputTopics).isDisjoint(with: stage.inputTopics)
            }?.name
            // Workers a previous reactor left running (adopted by the scaler) count: never fewer.
            let manual = molecule.manualReplicas?[stage.name]
            let adopted = await scaler.running(worker)
            let desired = manual ?? max(StageState.initialReplicas(for: stage), adopted)
            states.append(StageState(plan: stage, worker: worker, upstream: upstream, rules: rules, desired: desired, manual: manual))
            try await scaler.setReplicas(desired, for: worker)
        }
        molecules[molecule.name] = molecule
        stages[molecule.name] = states
        paused[molecule.name] = molecule.pausedStages
    }

    /// Writes the molecule's files for its workers and returns the one they run:
    /// `molecules/NAME.pf` for a self-contained file, else `molecules/NAME/` with every file
    /// at its path in the bundle.
    private func writeMoleculeFile(_ molecule: DeployedMolecule) throws -> String {
        try molecule.checkPaths()
        let folder = configuration.stateDirectory + "/molecules"
        guard molecule.imports != nil else {
            try write(molecule.source, to: "\(folder)/\(molecule.name).pf")
            return "\(folder)/\(molecule.name).pf"
        }
        let bundle = molecule.bundle
        for (path, text) in bundle.files.sorted(by: { $0.key < $1.key }) {
            try write(text, to: "\(folder)/\(molecule.name)/\(path)")
        }
        return "\(folder)/\(molecule.name)/\(bundle.root)"
    }

    private func write(_ text: String, to path: String) throws {
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Rewriting an unchanged file would not matter, but skipping it keeps adopted workers' file as it was.
            if FileManager.default.contents(atPath: path) != Data(text.utf8) {
                try Data(text.utf8).write(to: url, options: .atomic)
            }
        } catch {
            throw ReactorError(.workerFailed, "cannot write \(path) for the workers: \(error.localizedDescription)")
        }
    }

    private func summary(_ name: String) async -> MoleculeSummary? {
        guard let states = stages[name] else { return nil }
        var running = 0
        for state in states { running += await scaler.running(state.worker) }
        return MoleculeSummary(
            molecule: name, stages: states.map(\.plan.name), runningReplicas: running,
            desiredReplicas: states.reduce(0) { $0 + $1.model.desired })
    }

    private func stageState(molecule: String, stage: String) throws -> StageState {
        guard let states = stages[molecule] else {
            throw ReactorError(.unknownMolecule, "no molecule named \(molecule) is deployed")
        }
        guard let state = states.first(where: { $0.plan.name == stage }) else {
            throw ReactorError(
                .unknownStage,
                "\(molecule) has no stage \(stage); its stages: \(states.map(\.plan.name).joined(separator: ", "))")
        }
        return state
    }

    private func stageStatus(_ state: StageState, molecule: String) async -> StageStatus {
        let model = state.model
        let estimates = model.window.estimates
        let verdict = model.verdict
        return StageStatus(
            stage: state.plan.name, group: state.plan.group.symbol, consumerGroup: state.plan.consumerGroup,
            partitions: state.plan.partitions, runningReplicas: await scaler.running(state.worker),
            desiredReplicas: model.desired, manualReplicas: model.manual, lag: estimates.lag,
            inputRate: estimates.inputRate, processingRate: estimates.processingRate,
            perReplicaRate: estimates.perReplicaRate, perReplicaRateSource: estimates.perReplicaRateSource.rawValue,
            reportingWorkers: model.loads.count,
            deadLetters: deadLetters[molecule]?.byStage[state.plan.name] ?? 0,
            deadLettersLastMinute: model.deadLettered(since: resumedAt[molecule]?[state.plan.name]),
            pausedReason: paused[molecule]?[state.plan.name], paused: paused[molecule]?[state.plan.name] != nil,
            restarts: model.restarts, health: verdict?.health ?? PartitionStatus.ok.rawValue,
            stable: verdict?.isStable ?? true, healthReasons: verdict?.reasons ?? [],
            lastDecision: model.lastDecision, lastAction: model.lastAction, lastReason: model.lastReason)
    }

    private func publishPacket(_ packet: Packet) async {
        do {
            try await control.publish(packet)
        } catch {
            logger.error("cannot publish to the control topic", metadata: ["kind": "\(packet.kind)", "error": "\(error)"])
        }
    }

    private func publish(kind: String, molecule: String, stage: String, payload: String) async {
        await publishPacket(
            Packet(
                group: .metaComputational, kind: kind, molecule: molecule, stage: stage, key: Array(stage.utf8),
                payload: Array(payload.utf8)))
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
