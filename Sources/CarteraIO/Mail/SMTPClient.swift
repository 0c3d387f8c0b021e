import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how to hand messages to a mail server.
public struct SMTPSettings: Sendable, Hashable {
    /// Implicit TLS (usually port 465), STARTTLS (587) or plain text (local relays only).
    public enum Security: String, Sendable, CaseIterable, Codable { case tls, starttls, none }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil) {
        self.host = host; self.port = port; self.security = security; self.username = username; self.password = password
    }
}

/// Why a message was not handed over. `permanent` failures are not retried with the same account;
/// `authentication` says the account itself is failing (its messages wait until it is fixed).
public struct SMTPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable { case temporary, permanent, authentication }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = String(message.prefix(500)) }
    public var description: String { message }
}

/// Hands a message to a mail server: SMTP in production, a recorder in tests.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage, via settings: SMTPSettings) async throws
}

public struct SMTPTransport: MailTransport {
    public init() {}
    public func send(_ message: MailMessage, via settings: SMTPSettings) async throws {
        try await SMTPClient.send(message, via: settings)
    }
}

/// A minimal SMTP client (RFC 5321): EHLO, STARTTLS or implicit TLS, AUTH PLAIN or LOGIN,
/// MAIL/RCPT/DATA, QUIT. One connection per message: mail volume here is small, and
/// a fresh connection never inherits a broken state.
public enum SMTPClient {
    public static func send(_ message: MailMessage, via settings: SMTPSettings, heloName: String = "cartera.localhost",
                            timeout: TimeAmount = .seconds(60)) async throws {
        guard message.from.isValid else { throw SMTPFailure(.permanent, "invalid sender address: \(message.from.address)") }
        guard !message.to.isEmpty, message.to.allSatisfy(\.isValid) else {
            throw SMTPFailure(.permanent, "invalid recipient address: " + message.to.map(\.address).joined(separator: ", "))
        }
        let tls: NIOSSLContext?
        do {
            tls = settings.security == .none ? nil : try NIOSSLContext(configuration: .makeClientConfiguration())
        } catch {
            throw SMTPFailure(.permanent, "TLS set-up failed: \(error)")
        }
        // SNI takes a name, never an address.
        let serverName = settings.host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : settings.host
        let (lines, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(15))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if settings.security == .tls, let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        }
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: timeout))
                        try channel.pipeline.syncOperations.addHandler(LineReader(continuation: continuation))
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            throw SMTPFailure(.temporary, "cannot connect to \(settings.host):\(settings.port): \(error)")
        }
        var session = Session(channel: channel, replies: lines.makeAsyncIterator())
        do {
            try await session.expect(220)
            var features = try await session.command("EHLO \(heloName)", expect: 250).lines
            if settings.security == .starttls {
                guard features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }), let tls else {
                    throw SMTPFailure(.permanent, "the server does not offer STARTTLS")
                }
                try await session.command("STARTTLS", expect: 220)
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName),
                                                                   position: .first)
                }.get()
                features = try await session.command("EHLO \(heloName)", expect: 250).lines
            }
            if let user = settings.username, !user.isEmpty {
                try await session.authenticate(user: user, password: settings.password ?? "", features: features)
            }
            try await session.command("MAIL FROM:<\(message.from.address)>", expect: 250)
            for recipient in message.to { try await session.command("RCPT TO:<\(recipient.address)>", expect: 250, 251) }
            try await session.command("DATA", expect: 354)
            try await session.command(dotStuffed(message.rendered()) + ".", shown: "DATA", expect: 250)
            _ = try? await session.command("QUIT", expect: 221)
            try? await channel.close()
        } catch {
            try? await channel.close()
            if let failure = error as? SMTPFailure { throw failure }
            throw SMTPFailure(.temporary, "connection to \(settings.host) failed: \(error)")
        }
    }

    /// A line starting with "." gets another one (RFC 5321 §4.5.2); the text ends with CRLF.
    static func dotStuffed(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "\r\n.", with: "\r\n..")
        if out.hasPrefix(".") { out = "." + out }
        if !out.hasSuffix("\r\n") { out += "\r\n" }
        return out
    }

    struct Reply { let code: Int; let lines: [String] }

    struct Session {
        let channel: any Channel
        var replies: AsyncThrowingStream<String, any Error>.AsyncIterator

        @discardableResult
        /// `shown` names the command in failures instead of the line (credentials, message text).
        mutating func command(_ line: String, shown: String? = nil, expect codes: Int...) async throws -> Reply {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
            return try await expect(codes, after: shown ?? String(line.prefix(60)))
        }

        @discardableResult
        mutating func expect(_ codes: Int...) async throws -> Reply { try await expect(codes, after: "greeting") }

        mutating func expect(_ codes: [Int], after what: String) async throws -> Reply {
            let reply = try await read()
            guard codes.contains(reply.code) else {
                let text = "\(what): \(reply.code) \(reply.lines.joined(separator: " "))"
                if reply.code == 535 || reply.code == 534 || reply.code == 530 { throw SMTPFailure(.authentication, text) }
                throw SMTPFailure(reply.code >= 500 ? .permanent : .temporary, text)
            }
            return reply
        }

        /// One reply: `250-…` lines until `250 …`.
        mutating func read() async throws -> Reply {
            var lines: [String] = []
            while true {
                guard let line = try await replies.next() else { throw SMTPFailure(.temporary, "the server closed the connection") }
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPFailure(.temporary, "unreadable reply: \(line.prefix(80))") }
                lines.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return Reply(code: code, lines: lines) }
            }
        }

        /// PLAIN when offered (or nothing is said), else LOGIN.
        mutating func authenticate(user: String, password: String, features: [String]) async throws {
            let offered = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ").map(String.init) ?? []
            if offered.isEmpty || offered.contains("PLAIN") {
                let token = Data(("\0" + user + "\0" + password).utf8).base64EncodedString()
                try await command("AUTH PLAIN " + token, shown: "AUTH PLAIN", expect: 235)
            } else {
                try await command("AUTH LOGIN", expect: 334)
                try await command(Data(user.utf8).base64EncodedString(), shown: "AUTH LOGIN", expect: 334)
                try await command(Data(password.utf8).base64EncodedString(), shown: "AUTH LOGIN", expect: 235)
            }
        }
    }

    /// Splits what arrives into lines for the session; a read timeout or a closed
    /// connection ends the stream with a temporary failure.
    final class LineReader: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncThrowingStream<String, any Error>.Continuation
        var pending: [UInt8] = []

        init(continuation: AsyncThrowingStream<String, any Error>.Continuation) { self.continuation = continuation }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                continuation.yield(String(decoding: line, as: UTF8.self))
            }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is IdleStateHandler.IdleStateEvent {
                continuation.finish(throwing: SMTPFailure(.temporary, "the server stopped answering"))
                context.close(promise: nil)
            } else {
                context.fireUserInboundEventTriggered(event)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            continuation.finish(throwing: SMTPFailure(.temporary, "\(error)"))
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
            context.fireChannelInactive()
        }
    }
}
