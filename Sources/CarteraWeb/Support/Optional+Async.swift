extension Optional {
    /// `map` with an async transform (a filter's number looked up in the store, say).
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
