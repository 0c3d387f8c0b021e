import CarteraCore
import Testing

@Suite("Reading ahead on another thread")
struct ReadAheadTests {
    struct Broken: Error {}

    @Test("elements come in order across blocks, then the end")
    func order() async throws {
        var made = 0
        var ahead = ReadAhead(blockSize: 7, depth: 2) { () -> Int? in
            defer { made += 1 }
            return made < 100 ? made : nil
        }
        var seen: [Int] = []
        while let value = try await ahead.next() { seen.append(value) }
        #expect(seen == Array(0..<100))
        #expect(try await ahead.next() == nil)
    }

    @Test("what the producer throws comes after every element made before it, part blocks too")
    func failure() async throws {
        var made = 0
        var ahead = ReadAhead(blockSize: 4, depth: 2) { () throws -> Int? in
            made += 1
            if made == 10 { throw Broken() }
            return made
        }
        var seen: [Int] = []
        var failed = false
        do {
            while let value = try await ahead.next() { seen.append(value) }
        } catch is Broken {
            failed = true
        }
        #expect(failed)
        #expect(seen == Array(1...9))
    }

    @Test("after stop the reader gets at most the blocks already made, then the end")
    func stop() async throws {
        var ahead = ReadAhead(blockSize: 10, depth: 2) { () -> Int? in 1 }
        #expect(try await ahead.next() == 1)
        ahead.stop()
        var more = 0
        while try await ahead.next() != nil, more < 1_000 { more += 1 }
        // The rest of the first block, the blocks kept ahead, and one being made when stop came.
        #expect(more <= 9 + 2 * 10 + 10)
    }
}
