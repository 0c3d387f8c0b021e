import Foundation

/// A source of the current time, injected so tests are deterministic.
public struct Clock: Sendable {
    public let now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date) { self.now = now }
    public static let live = Clock { Date() }
    /// A clock frozen at the given instant.
    public static func fixed(_ date: Date) -> Clock { Clock { date } }
}

extension Date {
    /// Milliseconds since the epoch: the SQLite representation of an instant.
    public var epochMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    public init(epochMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000) }
}
