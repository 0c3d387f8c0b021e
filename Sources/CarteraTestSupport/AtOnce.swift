/// Many runs of one body started together, as concurrent requests arrive.
public enum AtOnce {
    /// How many of `times` runs of `body`, all started at once, returned true.
    public static func count(_ times: Int, _ body: @escaping @Sendable () async throws -> Bool) async throws -> Int {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<times { group.addTask(operation: body) }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }
}
