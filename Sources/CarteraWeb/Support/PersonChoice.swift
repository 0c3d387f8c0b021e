import CarteraCore
import CarteraStore

/// The "whose work" filter of the operation screens (follow-ups, activities, orders,
/// opportunities): `me`, `all` or a user id in the address.
extension PersonFilter {
    init(key: String) {
        self = switch key {
        case "all": .anyone
        case "me": .me
        default: User.ID(string: key).map { .user($0) } ?? .me
        }
    }
}

extension Option {
    /// The filter's choices: the viewer ("mine"), everyone they may see, then each other user.
    static func people(_ users: [User], selected: String, viewer: Viewer, mine: String, everyone: String) -> [Option] {
        [Option(value: "me", label: mine, selected: selected == "me"), Option(value: "all", label: everyone, selected: selected == "all")]
            + users.filter { $0.id != viewer.id }.map { Option(value: $0.id.description, label: $0.name, selected: selected == $0.id.description) }
    }
}
