import NIOCore
import SQLKit

/// A SQLKit database whose statements run in `async` code (Cartera's own connections);
/// SQLKit's future-returning entry point, which Cartera's stores never call, bridges to it.
protocol AsyncSQLDatabase: SQLDatabase {}

extension AsyncSQLDatabase {
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try await self.execute(sql: query, onRow) }
        return promise.futureResult
    }
}
