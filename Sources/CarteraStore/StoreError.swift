/// Why a store call refused. Validation problems are `ValidationFailure` (CarteraCore).
public enum StoreError: Error, Equatable, Sendable {
    /// Absent, or outside the caller's scope: both answer 404.
    case notFound
    /// Someone saved in between; `current` is the version now stored.
    case versionConflict(current: Int64)
    /// The viewer's roles lack the permission this write needs.
    case forbidden
    /// An idempotency key came back with a different request body.
    case idempotencyKeyReused
}

