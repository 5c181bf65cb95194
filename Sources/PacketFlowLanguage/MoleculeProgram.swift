/// A molecule file with everything it imports, read and checked: the language's entry point.
///
/// ```swift
/// let program = try MoleculeProgram.load(path: "examples/processing-pipeline.pf",
///                                        loader: FileSystemSourceLoader())
/// if program.diagnostics.containsErrors { print(program.renderedDiagnostics()) }
/// let plan = try program.plan()
/// ```
/// Imports are resolved against the importing file's directory and are transitive: every
/// packet and molecule of every imported file is visible everywhere in the program.
public struct MoleculeProgram: Sendable {
    /// Every file read, the root first, then imports in the order they were reached.
    public private(set) var sources: [SourceFile] = []
    /// Every packet declared in the program, by name.
    public private(set) var packets: [String: PacketDeclaration] = [:]
    /// Every molecule declared in the program, root file first.
    public private(set) var molecules: [MoleculeDeclaration] = []
    /// Errors and warnings of every file, ordered by file (as in ``sources``) and position.
    public private(set) var diagnostics: [Diagnostic] = []

    private var graphs: [String: MoleculeGraph] = [:]

    /// Reads, parses and checks `path` and its imports.
    ///
    /// Throws ``LanguageError`` (``LanguageError/Code/unreadableFile``) only when `path`
    /// itself cannot be read; every other problem, an unreadable import included, is a
    /// diagnostic.
    public static func load(path: String, loader: some SourceLoader) throws(LanguageError) -> MoleculeProgram {
        let text: String
        do {
            text = try loader.load(path)
        } catch {
            throw LanguageError(.unreadableFile, "cannot read \(path): \(error.message)")
        }
        return build(root: SourceFile(name: path, text: text), loader: loader)
    }

    /// Parses and checks one text; imports are read through `loader` relative to `name`.
    ///
    /// The default loader has no files, so a text with imports reports them unreadable.
    public static func parse(
        _ text: String, name: String = "input.pf", loader: some SourceLoader = InMemorySourceLoader([:])
    ) -> MoleculeProgram {
        build(root: SourceFile(name: name, text: text), loader: loader)
    }

    private static func build(root: SourceFile, loader: some SourceLoader) -> MoleculeProgram {
        var program = MoleculeProgram()
        var readings: [DeclarationReader.Result] = []
        var inProgress: [String] = []
        program.visit(root, loader: loader, inProgress: &inProgress, readings: &readings)
        program.collect(readings)
        program.checkMolecules(incomplete: Set(readings.flatMap { $0.incompletePackets.map(\.name) }))
        let order = Dictionary(uniqueKeysWithValues: program.sources.enumerated().map { ($1.name, $0) })
        // Sorted by file and position; diagnostics at one position keep the order they were found in.
        program.diagnostics = program.diagnostics.enumerated().sorted {
            (order[$0.element.location.file] ?? 0, $0.element.location.offset, $0.offset)
                < (order[$1.element.location.file] ?? 0, $1.element.location.offset, $1.offset)
        }.map(\.element)
        return program
    }

    private mutating func visit(
        _ source: SourceFile, loader: some SourceLoader, inProgress: inout [String],
        readings: inout [DeclarationReader.Result]
    ) {
        inProgress.append(source.name)
        defer { inProgress.removeLast() }
        sources.append(source)
        let syntax = MoleculeParser.parse(source)
        diagnostics += syntax.diagnostics
        let reading = DeclarationReader.read(syntax)
        diagnostics += reading.diagnostics
        // Imports come first, so a name declared again is reported in the importing file.
        defer { readings.append(reading) }
        for (imported, location) in reading.imports {
            let path = SourcePath.resolve(imported, relativeTo: source.name)
            if let start = inProgress.firstIndex(of: path) {
                let cycle = (inProgress[start...] + [path]).joined(separator: " → ")
                diagnostics.append(.error("import cycle: \(cycle)", at: location,
                                          hint: "move the shared packets into a file both can import"))
                continue
            }
            if sources.contains(where: { $0.name == path }) { continue }
            do {
                let text = try loader.load(path)
                visit(SourceFile(name: path, text: text), loader: loader, inProgress: &inProgress, readings: &readings)
            } catch {
                diagnostics.append(.error("cannot import \"\(imported)\": \(error.message)", at: location,
                                          hint: "imports are relative to this file; looked for \(path)"))
            }
        }
    }

    private mutating func collect(_ readings: [DeclarationReader.Result]) {
        var firstPacket: [String: SourceLocation] = [:]
        for reading in readings {
            // Complete and incomplete packets share one namespace; visit them in file order.
            let declared = (reading.packets.map { ($0.name, $0.location, Optional($0)) }
                + reading.incompletePackets.map { ($0.name, $0.location, nil) })
                .sorted { $0.1.offset < $1.1.offset }
            for (name, location, packet) in declared {
                if let first = firstPacket[name] {
                    diagnostics.append(.error("duplicate packet \(name)", at: location,
                                              hint: "first declared at \(first)"))
                    continue
                }
                firstPacket[name] = location
                packets[name] = packet
            }
        }
        var firstMolecule: [String: SourceLocation] = [:]
        for molecule in readings.flatMap(\.molecules) {
            if let first = firstMolecule[molecule.name] {
                diagnostics.append(.error("duplicate molecule \(molecule.name)", at: molecule.location,
                                          hint: "first declared at \(first)"))
                continue
            }
            firstMolecule[molecule.name] = molecule.location
            molecules.append(molecule)
        }
    }

    private mutating func checkMolecules(incomplete: Set<String>) {
        for molecule in molecules {
            let (graph, found) = MoleculeChecker.check(molecule, packets: packets, incomplete: incomplete)
            graphs[molecule.name] = graph
            diagnostics += found
        }
    }

    /// The molecules declared in the root file itself, in order.
    public var rootMolecules: [MoleculeDeclaration] {
        molecules.filter { $0.location.file == sources.first?.name }
    }

    /// The source files, as a renderer for this program's diagnostics needs them.
    public func renderedDiagnostics() -> String {
        DiagnosticRenderer(sources: sources).render(diagnostics)
    }

    /// The topology plan of one molecule.
    ///
    /// With `molecule` nil, the root file must declare exactly one molecule. Throws
    /// ``LanguageError/Code/invalidProgram`` when the program has errors (warnings do not
    /// stop planning) and ``LanguageError/Code/unknownMolecule`` when the molecule is not found.
    public func plan(molecule name: String? = nil) throws(LanguageError) -> TopologyPlan {
        try requireNoErrors()
        let molecule = try select(name)
        return TopologyPlanner.plan(graphs[molecule.name]!)
    }

    /// The plans of every molecule declared in the root file, in order (none for a file of packets).
    ///
    /// Throws ``LanguageError/Code/invalidProgram`` when the program has errors.
    public func plans() throws(LanguageError) -> [TopologyPlan] {
        try requireNoErrors()
        return rootMolecules.map { TopologyPlanner.plan(graphs[$0.name]!) }
    }

    private func requireNoErrors() throws(LanguageError) {
        guard diagnostics.containsErrors else { return }
        let count = diagnostics.filter { $0.severity == .error }.count
        throw LanguageError(.invalidProgram, "\(sources.first?.name ?? "input") has \(count) error\(count == 1 ? "" : "s")",
                            diagnostics: diagnostics)
    }

    /// The molecule named `name`, or the root file's only molecule when `name` is nil.
    public func select(_ name: String?) throws(LanguageError) -> MoleculeDeclaration {
        if let name {
            if let molecule = molecules.first(where: { $0.name == name }) { return molecule }
            let hint = Suggestion.closest(to: name, in: molecules.map(\.name)).map { "; did you mean \($0)?" } ?? ""
            throw LanguageError(.unknownMolecule, "no molecule named \(name)\(hint)")
        }
        let candidates = rootMolecules
        guard candidates.count == 1 else {
            let file = sources.first?.name ?? "input"
            if candidates.isEmpty { throw LanguageError(.unknownMolecule, "\(file) declares no molecule") }
            let names = candidates.map(\.name).joined(separator: ", ")
            throw LanguageError(.unknownMolecule,
                                "\(file) declares \(candidates.count) molecules (\(names)); choose one with --molecule")
        }
        return candidates[0]
    }

    /// The checked graph of a molecule, for planning and drawing.
    func graph(of molecule: String) -> MoleculeGraph? { graphs[molecule] }
}

extension MoleculeProgram {
    /// Whether `name` is an identifier of the language (a molecule's or packet's name):
    /// a letter or `_`, then letters, digits and `_`.
    public static func isIdentifier(_ name: String) -> Bool {
        Lexer.isIdentifier(name)
    }
}
