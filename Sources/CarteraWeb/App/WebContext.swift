import CarteraCore
import CarteraStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The context of every request: who is signed in (if anyone), in which language.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var viewer: Viewer?
    /// The browser session; `nil` for API token requests and anonymous visitors.
    public var session: WebSession?
    public var language: Language = .es
    public let remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// The context of routes that need a signed-in user: a handler here cannot be
/// reached without one.
public struct SignedInContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let viewer: Viewer
    public let session: WebSession?
    public let language: Language
    public let remoteAddress: String

    public init(context: WebContext) throws {
        guard let viewer = context.viewer else { throw SignInRequired() }
        coreContext = context.coreContext
        self.viewer = viewer
        session = context.session
        language = context.language
        remoteAddress = context.remoteAddress
    }

    /// The viewer's client scope (rule 1).
    public var clientScope: ClientScope { .of(viewer) }
    /// The user's zone: days and weeks of the panels, dates typed in forms.
    public var timeZone: TimeZone { TimeZone(identifier: viewer.user.timeZone) ?? .gmt }

    /// Refuses unless the viewer has the permission.
    public func require(_ permission: Permission) throws {
        guard viewer.can(permission) else { throw StoreError.forbidden }
    }
}

/// Thrown when a route needs a user and there is none.
public struct SignInRequired: Error {}
