import PacketFlowJSON

/// The `map` built-in's projection: a new JSON object built from fields of the input.
///
/// Written `NAME=PATH, NAME=PATH...`, e.g. `id=order.id, total=order.amount`; a bare `PATH`
/// keeps the field under its last segment's name (`order.id` becomes `id`). Fields missing
/// from the input are left out of the result.
public struct FieldMap: Sendable, Hashable {
    /// The output fields in order: name and the input path it is read from.
    public var fields: [(name: String, path: JSONPath)] {
        zip(names, paths).map { ($0, $1) }
    }

    private var names: [String]
    private var paths: [JSONPath]

    /// Parses a projection; throws ``RuntimeError`` (`invalidBuiltin`) showing the expected form.
    public init(parsing text: String) throws {
        names = []
        paths = []
        for part in text.split(separator: ",") {
            let field = String(part).trimmingCharacters(in: " ")
            let pieces = field.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: " ") }
            guard let pathText = pieces.last, !pathText.isEmpty, let path = try? JSONPath(pathText),
                let name = pieces.count == 2 ? pieces[0] : path.segments.last, !name.isEmpty
            else {
                throw RuntimeError(
                    .invalidBuiltin,
                    "cannot read map field '\(field)' in '\(text)': write NAME=PATH separated by commas, e.g. map: id=order.id, total=order.amount")
            }
            names.append(name)
            paths.append(path)
        }
        guard !names.isEmpty else {
            throw RuntimeError(.invalidBuiltin, "map needs at least one field, e.g. map: id=order.id")
        }
    }

    /// The projection of `document`.
    public func apply(to document: JSONValue) -> JSONValue {
        var object = JSONObject()
        for (name, path) in zip(names, paths) {
            if let value = document.value(at: path) { _ = object.updateValue(value, forKey: name) }
        }
        return .object(object)
    }
}
