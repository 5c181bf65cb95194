import PacketFlowCore

/// Gives a parsed file meaning: turns its syntax into packet and molecule declarations.
///
/// Checks everything that needs one declaration only: known fields, value types, units and
/// ranges. Checks across declarations (unknown packets, cycles, reachability) are
/// ``MoleculeChecker``'s.
struct DeclarationReader {
    /// What one file declares.
    struct Result: Sendable {
        var imports: [(path: String, location: SourceLocation)] = []
        var packets: [PacketDeclaration] = []
        /// Packets whose group or handler is missing: known names, but not plannable.
        var incompletePackets: [(name: String, location: SourceLocation)] = []
        var molecules: [MoleculeDeclaration] = []
        var diagnostics: [Diagnostic] = []
    }

    static let packetFields = ["group", "handler", "cost", "resources", "key"] + settingFields
    static let settingFields = ["partitions", "scale", "retries", "timeout", "concurrency", "instances", "quorum", "window"]
    static let moleculeFields = ["composition", "bonds", "sources", "sinks", "overrides"]

    private let source: SourceFile
    /// Offsets of the file's syntax errors: a declaration with one is not told what it lacks.
    private let syntaxErrorOffsets: [Int]
    private var result = Result()

    /// Reads every declaration of a parsed file.
    static func read(_ file: SyntaxFile) -> Result {
        var reader = DeclarationReader(source: file.source, syntaxErrorOffsets: file.diagnostics.map(\.location.offset))
        for declaration in file.declarations {
            reader.read(declaration)
        }
        return reader.result
    }

    private init(source: SourceFile, syntaxErrorOffsets: [Int]) {
        self.source = source
        self.syntaxErrorOffsets = syntaxErrorOffsets
    }

    private mutating func read(_ declaration: SyntaxDeclaration) {
        switch declaration.keyword {
        case .import:
            result.imports.append((declaration.name, location(declaration.nameStart)))
        case .packet:
            readPacket(declaration)
        case .molecule:
            readMolecule(declaration)
        }
    }

    // MARK: Packets

    private mutating func readPacket(_ declaration: SyntaxDeclaration) {
        guard !declaration.name.isEmpty, let body = declaration.body, case .object(let fields) = body.kind else { return }
        let nameLocation = location(declaration.nameStart)
        var group: PacketGroup?
        var handler: HandlerReference?
        var cost: Double?
        var resources = ResourceRequirements()
        var key: String?
        var settings = PacketSettings()
        for field in uniqueFields(fields, allowed: DeclarationReader.packetFields, in: "packet") {
            switch field.key {
            case "group": group = readGroup(field.value)
            case "handler": handler = readHandler(field.value)
            case "cost":
                if let value = number(field.value, named: "cost", unit: false) {
                    if value < 0 {
                        error("cost must not be negative, found \(text(field.value))", at: field.value.start,
                              hint: "cost is a relative weight; 1 is an ordinary call")
                    } else {
                        cost = value
                    }
                }
            case "resources": resources = readResources(field.value)
            case "key":
                if case .string(let value) = field.value.kind, !value.isEmpty {
                    key = value
                } else {
                    error("key must be a payload field in quotes, found \(describe(field.value))",
                          at: field.value.start, hint: "write key: \"order.id\"")
                }
            default: readSetting(field, into: &settings)
            }
        }
        guard let group, let handler else {
            let broken = syntaxErrorOffsets.contains { $0 >= declaration.start && $0 <= declaration.end }
            if group == nil, !broken, !fields.contains(where: { $0.key == "group" }) {
                error("packet \(declaration.name) has no group", at: declaration.nameStart,
                      hint: "add group: CF, DF, ED, CO, MC or RM")
            }
            if handler == nil, !broken, !fields.contains(where: { $0.key == "handler" }) {
                error("packet \(declaration.name) has no handler", at: declaration.nameStart,
                      hint: "add handler: swift(\"name\"), exec(\"command\") or builtin(\"log\")")
            }
            result.incompletePackets.append((declaration.name, nameLocation))
            return
        }
        if group != .collective {
            for field in fields where field.key == "quorum" || field.key == "window" {
                error("\(field.key) applies only to collective packets; \(declaration.name) is \(group.symbol)",
                      at: field.keyStart, hint: "collective packets are group: CO")
            }
            settings.quorum = nil
            settings.window = nil
        }
        result.packets.append(PacketDeclaration(
            name: declaration.name, group: group, handler: handler, cost: cost, resources: resources,
            key: key, settings: settings, location: nameLocation))
    }

    private mutating func readGroup(_ value: SyntaxValue) -> PacketGroup? {
        let symbols = PacketGroup.allCases.map(\.symbol)
        guard case .identifier(let name) = value.kind else {
            error("group must be one of \(symbols.joined(separator: ", ")), found \(describe(value))", at: value.start)
            return nil
        }
        if let group = PacketGroup(symbol: name) { return group }
        let hint = Suggestion.closest(to: name, in: symbols).map { "did you mean \($0)?" }
            ?? "groups are \(symbols.joined(separator: ", "))"
        error("unknown group \(name)", at: value.start, hint: hint)
        return nil
    }

    private mutating func readHandler(_ value: SyntaxValue) -> HandlerReference? {
        let usage = "write swift(\"name\"), exec(\"command\") or builtin(\"log\")"
        guard case .call(let name, let arguments) = value.kind else {
            error("handler must be swift(...), exec(...) or builtin(...), found \(describe(value))",
                  at: value.start, hint: usage)
            return nil
        }
        guard ["swift", "exec", "builtin"].contains(name) else {
            let hint = Suggestion.closest(to: name, in: ["swift", "exec", "builtin"]).map { "did you mean \($0)?" } ?? usage
            error("unknown handler kind \(name)", at: value.start, hint: hint)
            return nil
        }
        guard arguments.count == 1, arguments[0].label == nil, case .string(let argument) = arguments[0].value.kind else {
            error("\(name)(...) takes one string", at: value.start, hint: usage)
            return nil
        }
        guard !argument.isEmpty else {
            error("\(name)(...) needs a non-empty name", at: arguments[0].value.start)
            return nil
        }
        switch name {
        case "swift": return .swift(argument)
        case "exec": return .exec(argument)
        default:
            let (builtin, builtinArgument) = HandlerReference.builtinParts(argument)
            guard HandlerReference.builtinNames.contains(builtin) else {
                let hint = Suggestion.closest(to: builtin, in: HandlerReference.builtinNames).map { "did you mean \($0)?" }
                    ?? "built-ins are \(HandlerReference.builtinNames.joined(separator: ", "))"
                error("unknown built-in handler \(builtin)", at: arguments[0].value.start, hint: hint)
                return nil
            }
            let takesArgument = HandlerReference.builtinNamesTakingArgument.contains(builtin)
            if takesArgument, builtinArgument?.isEmpty ?? true {
                let example = builtin == "filter" ? "filter: order.amount >= 100" : "map: id=order.id, total=order.amount"
                error("built-in \(builtin) needs an argument after ':'", at: arguments[0].value.start, hint: "write builtin(\"\(example)\")")
                return nil
            }
            if !takesArgument, builtinArgument != nil {
                error("built-in \(builtin) takes no argument", at: arguments[0].value.start, hint: "write builtin(\"\(builtin)\")")
                return nil
            }
            return .builtin(argument)
        }
    }

    private mutating func readResources(_ value: SyntaxValue) -> ResourceRequirements {
        var resources = ResourceRequirements()
        guard case .object(let fields) = value.kind else {
            error("resources must be an object, found \(describe(value))", at: value.start,
                  hint: "write resources: { cpu: 0.5, memory: 256Mi }")
            return resources
        }
        for field in uniqueFields(fields, allowed: ["cpu", "memory"], in: "resources") {
            if field.key == "cpu" {
                guard let cpu = number(field.value, named: "cpu", unit: false) else { continue }
                if cpu <= 0 {
                    error("cpu must be greater than 0, found \(text(field.value))", at: field.value.start)
                } else {
                    resources.cpu = cpu
                }
            } else {
                resources.memoryBytes = memory(field.value)
            }
        }
        return resources
    }

    private mutating func memory(_ value: SyntaxValue) -> Int64? {
        quantity(value, named: "memory", example: "256Mi", units: Quantity.memoryUnits, limit: 9.0e18)
    }

    /// A number with a unit from `units`, scaled to the smallest unit; reports what is wrong.
    private mutating func quantity(
        _ value: SyntaxValue, named name: String, example: String, units: [(unit: String, scale: Int64)], limit: Double
    ) -> Int64? {
        let kind = name == "memory" ? "memory" : "duration"
        guard case .number(let written) = value.kind else {
            error("\(name) must be a \(kind == "memory" ? "size" : "duration") such as \(example), found \(describe(value))",
                  at: value.start)
            return nil
        }
        let (digits, unit) = Quantity.split(written)
        let names = units.map(\.unit)
        guard !unit.isEmpty else {
            error("\(name) needs a unit, found \(written)", at: value.start,
                  hint: "units are \(names.joined(separator: ", ")); write \(digits)\(example.drop { $0.isNumber })")
            return nil
        }
        guard let scale = units.first(where: { $0.unit == unit })?.scale else {
            let hint = Suggestion.closest(to: unit, in: names).map { "did you mean \(digits)\($0)?" }
                ?? "units are \(names.joined(separator: ", "))"
            error("unknown \(kind) unit \(unit)", at: value.start + digits.utf8.count, hint: hint)
            return nil
        }
        guard let amount = Double(digits), amount > 0, amount * Double(scale) < limit else {
            error("\(name) must be greater than 0, found \(written)", at: value.start)
            return nil
        }
        return Int64(amount * Double(scale))
    }

    // MARK: Settings shared by packets and overrides

    private mutating func readSetting(_ field: SyntaxField, into settings: inout PacketSettings) {
        switch field.key {
        case "partitions":
            settings.partitions = integer(field.value, named: "partitions", minimum: 1)
        case "retries":
            settings.retries = integer(field.value, named: "retries", minimum: 0)
        case "concurrency":
            settings.concurrency = integer(field.value, named: "concurrency", minimum: 1)
        case "instances":
            settings.instances = integer(field.value, named: "instances", minimum: 1)
        case "timeout":
            settings.timeout = duration(field.value, named: "timeout")
        case "quorum":
            settings.quorum = integer(field.value, named: "quorum", minimum: 1)
        case "window":
            settings.window = duration(field.value, named: "window")
        case "scale":
            guard case .object(let fields) = field.value.kind else {
                error("scale must be an object, found \(describe(field.value))", at: field.value.start,
                      hint: "write scale: { min: 1, max: 8 }")
                return
            }
            for bound in uniqueFields(fields, allowed: ["min", "max"], in: "scale") {
                if bound.key == "min" {
                    settings.scaleMin = integer(bound.value, named: "scale min", minimum: 0)
                } else {
                    settings.scaleMax = integer(bound.value, named: "scale max", minimum: 1)
                }
            }
            if let low = settings.scaleMin, let high = settings.scaleMax, low > high {
                error("scale min \(low) is greater than max \(high)", at: field.value.start)
                settings.scaleMin = nil
                settings.scaleMax = nil
            }
        default:
            break
        }
    }

    private mutating func duration(_ value: SyntaxValue, named name: String) -> Duration? {
        quantity(value, named: name, example: "5s", units: Quantity.durationUnits, limit: 1.0e15).map { .milliseconds($0) }
    }

    private mutating func integer(_ value: SyntaxValue, named name: String, minimum: Int) -> Int? {
        guard case .number(let written) = value.kind else {
            error("\(name) must be a whole number, found \(describe(value))", at: value.start)
            return nil
        }
        let (digits, unit) = Quantity.split(written)
        guard unit.isEmpty else {
            error("\(name) takes no unit, found \(written)", at: value.start)
            return nil
        }
        guard let number = Int(digits) else {
            error("\(name) must be a whole number, found \(written)", at: value.start)
            return nil
        }
        guard number >= minimum, number <= 1_000_000 else {
            let limit = number < minimum ? "at least \(minimum)" : "at most 1000000"
            error("\(name) must be \(limit), found \(number)", at: value.start)
            return nil
        }
        return number
    }

    private mutating func number(_ value: SyntaxValue, named name: String, unit: Bool) -> Double? {
        guard case .number(let written) = value.kind else {
            error("\(name) must be a number, found \(describe(value))", at: value.start)
            return nil
        }
        let (digits, unit) = Quantity.split(written)
        guard unit.isEmpty else {
            error("\(name) takes no unit, found \(written)", at: value.start)
            return nil
        }
        guard let number = Double(digits), number.isFinite else {
            error("\(name) must be a number, found \(written)", at: value.start)
            return nil
        }
        return number
    }

    // MARK: Molecules

    private mutating func readMolecule(_ declaration: SyntaxDeclaration) {
        guard !declaration.name.isEmpty, let body = declaration.body, case .object(let fields) = body.kind else { return }
        var molecule = MoleculeDeclaration(
            name: declaration.name, composition: [], location: location(declaration.nameStart))
        var hasComposition = false
        for field in uniqueFields(fields, allowed: DeclarationReader.moleculeFields, in: "molecule") {
            switch field.key {
            case "composition":
                hasComposition = true
                if case .list(let elements) = field.value.kind, elements.isEmpty {
                    error("the composition of \(declaration.name) is empty", at: field.value.start,
                          hint: "list the molecule's packets: composition: [FirstPacket, SecondPacket]")
                }
                for element in listElements(field.value, named: "composition", example: "[ValidatePacket, ComputePacket]") {
                    guard case .identifier(let name) = element.kind else {
                        error("composition lists packet names, found \(describe(element))", at: element.start)
                        continue
                    }
                    molecule.composition.append(.init(name: name, location: location(element.start)))
                }
            case "bonds":
                for element in listElements(field.value, named: "bonds", example: "[{ValidatePacket, ComputePacket, :ionic}]") {
                    if let bond = readBond(element) { molecule.bonds.append(bond) }
                }
            case "sources":
                for element in listElements(field.value, named: "sources", example: "[topic(\"orders\")]") {
                    if let source = readEndpoint(element, isSource: true) { molecule.sources.append(source) }
                }
            case "sinks":
                for element in listElements(field.value, named: "sinks", example: "[topic(\"results\")]") {
                    if let sink = readEndpoint(element, isSource: false) { molecule.sinks.append(sink) }
                }
            default:
                molecule.overrides = readOverrides(field.value)
            }
        }
        let broken = syntaxErrorOffsets.contains { $0 >= declaration.start && $0 <= declaration.end }
        if !hasComposition, !broken {
            error("molecule \(declaration.name) has no composition", at: declaration.nameStart,
                  hint: "add composition: [FirstPacket, SecondPacket]")
        }
        result.molecules.append(molecule)
    }

    private mutating func readBond(_ value: SyntaxValue) -> BondDeclaration? {
        let usage = "write {FromPacket, ToPacket, :ionic}"
        guard case .tuple(let elements) = value.kind else {
            error("a bond is {from, to, :kind}, found \(describe(value))", at: value.start, hint: usage)
            return nil
        }
        if elements.contains(where: { if case .missing = $0.kind { true } else { false } }) { return nil }
        guard elements.count == 3 else {
            error("a bond is {from, to, :kind}, found \(elements.count) element\(elements.count == 1 ? "" : "s")",
                  at: value.start, hint: usage)
            return nil
        }
        var names: [String] = []
        for element in elements.prefix(2) {
            guard case .identifier(let name) = element.kind else {
                error("a bond joins two packet names, found \(describe(element))", at: element.start, hint: usage)
                return nil
            }
            names.append(name)
        }
        let kinds = BondKind.allCases.map { ":" + $0.rawValue }
        let kindValue = elements[2]
        switch kindValue.kind {
        case .atom(let name):
            guard let kind = BondKind(rawValue: name) else {
                let hint = Suggestion.closest(to: ":" + name, in: kinds).map { "did you mean \($0)?" }
                    ?? "bond kinds are \(kinds.joined(separator: ", "))"
                error("unknown bond kind :\(name)", at: kindValue.start, hint: hint)
                return nil
            }
            return BondDeclaration(
                from: names[0], to: names[1], kind: kind, location: location(value.start),
                fromLocation: location(elements[0].start), toLocation: location(elements[1].start))
        case .identifier(let name) where BondKind(rawValue: name) != nil:
            error("bond kind must be written with a colon, found \(name)", at: kindValue.start, hint: "write :\(name)")
        default:
            error("expected a bond kind such as :ionic, found \(describe(kindValue))", at: kindValue.start,
                  hint: "bond kinds are \(kinds.joined(separator: ", "))")
        }
        return nil
    }

    private mutating func readEndpoint(_ value: SyntaxValue, isSource: Bool) -> EndpointDeclaration? {
        let example = isSource ? "topic(\"orders\")" : "topic(\"results\") or connector(\"postgres\", table: \"results\")"
        let kinds = isSource ? ["topic"] : ["topic", "connector"]
        guard case .call(let name, let arguments) = value.kind else {
            error("expected \(example), found \(describe(value))", at: value.start)
            return nil
        }
        guard kinds.contains(name), let kind = EndpointDeclaration.Kind(rawValue: name) else {
            let hint = Suggestion.closest(to: name, in: kinds).map { "did you mean \($0)?" } ?? "write \(example)"
            error("unknown \(isSource ? "source" : "sink") kind \(name)", at: value.start, hint: hint)
            return nil
        }
        guard let first = arguments.first, first.label == nil, case .string(let endpointName) = first.value.kind,
              !endpointName.isEmpty else {
            error("\(name)(...) takes a name in quotes first", at: value.start, hint: "write \(example)")
            return nil
        }
        let packetLabel = isSource ? "to" : "from"
        var endpoint = EndpointDeclaration(kind: kind, name: endpointName, location: location(value.start))
        var seenLabels: Set<String> = []
        for argument in arguments.dropFirst() {
            guard let label = argument.label else {
                error("\(name)(...) takes one unlabelled argument, its name", at: argument.start)
                continue
            }
            guard seenLabels.insert(label).inserted else {
                error("duplicate argument \(label)", at: argument.start)
                continue
            }
            if label == packetLabel {
                let names: [SyntaxValue]
                if case .list(let elements) = argument.value.kind { names = elements } else { names = [argument.value] }
                for element in names {
                    guard case .identifier(let packet) = element.kind else {
                        error("\(packetLabel): takes packet names, found \(describe(element))", at: element.start)
                        continue
                    }
                    endpoint.packets.append(packet)
                    endpoint.packetLocations.append(location(element.start))
                }
            } else if kind == .connector {
                switch argument.value.kind {
                case .string(let option), .identifier(let option), .number(let option):
                    endpoint.options[label] = option
                default:
                    error("connector option \(label) must be a string, name or number, found \(describe(argument.value))",
                          at: argument.value.start)
                }
            } else {
                let hint = Suggestion.closest(to: label, in: [packetLabel]).map { "did you mean \($0):?" }
                    ?? "topic(...) takes only \(packetLabel):"
                error("unknown argument \(label) of topic(...)", at: argument.start, hint: hint)
            }
        }
        return endpoint
    }

    private mutating func readOverrides(_ value: SyntaxValue) -> [MoleculeDeclaration.Override] {
        guard case .object(let fields) = value.kind else {
            error("overrides must be an object, found \(describe(value))", at: value.start,
                  hint: "write overrides: { ComputePacket: { scale: { max: 16 } } }")
            return []
        }
        var overrides: [MoleculeDeclaration.Override] = []
        for field in uniqueFields(fields, allowed: nil, in: "overrides") {
            guard case .object(let settingFields) = field.value.kind else {
                error("the override of \(field.key) must be an object, found \(describe(field.value))",
                      at: field.value.start, hint: "write \(field.key): { scale: { max: 16 } }")
                continue
            }
            var settings = PacketSettings()
            for setting in uniqueFields(settingFields, allowed: DeclarationReader.settingFields, in: "override") {
                readSetting(setting, into: &settings)
            }
            overrides.append(.init(packet: field.key, settings: settings, location: location(field.keyStart)))
        }
        return overrides
    }

    // MARK: Helpers

    /// The fields in order, reporting unknown (when `allowed` is given) and repeated ones.
    private mutating func uniqueFields(_ fields: [SyntaxField], allowed: [String]?, in what: String) -> [SyntaxField] {
        var seen: [String: Int] = [:]
        var unique: [SyntaxField] = []
        for field in fields {
            if case .missing = field.value.kind { continue }  // the parser has reported it
            if let allowed, !allowed.contains(field.key) {
                let hint = Suggestion.closest(to: field.key, in: allowed).map { "did you mean \($0)?" }
                    ?? "\(what) fields are \(allowed.joined(separator: ", "))"
                error("unknown \(what) field \(field.key)", at: field.keyStart, hint: hint)
                continue
            }
            if let first = seen[field.key] {
                let earlier = location(first)
                error("duplicate field \(field.key)", at: field.keyStart,
                      hint: "first set at \(earlier.line):\(earlier.column)")
                continue
            }
            seen[field.key] = field.keyStart
            unique.append(field)
        }
        return unique
    }

    private mutating func listElements(_ value: SyntaxValue, named name: String, example: String) -> [SyntaxValue] {
        if case .list(let elements) = value.kind {
            return elements.filter { if case .missing = $0.kind { false } else { true } }
        }
        if case .missing = value.kind { return [] }
        error("\(name) must be a list, found \(describe(value))", at: value.start, hint: "write \(name): \(example)")
        return []
    }

    private func location(_ offset: Int) -> SourceLocation {
        source.location(ofOffset: offset)
    }

    private func text(_ value: SyntaxValue) -> String {
        source.text(from: value.start, to: value.end)
    }

    private func describe(_ value: SyntaxValue) -> String {
        switch value.kind {
        case .identifier(let name): name
        case .string: "string " + text(value)
        case .number(let written): "number " + written
        case .atom(let name): ":" + name
        case .list: "a list"
        case .tuple: "a tuple"
        case .object: "an object"
        case .call(let name, _): name + "(...)"
        case .missing: "nothing"
        }
    }

    private mutating func error(_ message: String, at offset: Int, hint: String? = nil) {
        result.diagnostics.append(.error(message, at: location(offset), hint: hint))
    }
}
