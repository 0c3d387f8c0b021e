import CarteraCore
import CarteraStore
import Foundation
import Hummingbird

/// `/api/v1/agents` and `/api/v1/clients/reassign`: the bulk change of preferred agent.
extension APIController {
    func registerReassign(_ api: RouterGroup<SignedInContext>) {
        api.get("agents") { request, context in try await self.agentLoads(request, context) }
        api.post("clients/reassign") { request, context in try await self.reassignClients(request, context) }
    }

    struct AgentLoadJSON: Encodable {
        let userId: Int64, name: String, active: Bool, clients: Int
        init(_ load: AgentLoad) { userId = load.userID.rawValue; name = load.name; active = load.active; clients = load.clients }
    }

    func agentLoads(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let role = try QueryParameters(FormData.query(request)).choice("role", AgentRole.self) ?? .salesAgent
        let loads = try await env.stores.clients.agentLoads(role, by: context.viewer)
        return try json(ListPage(items: loads.map(AgentLoadJSON.init), nextCursor: nil))
    }

    func reassignClients(_ request: Request, _ context: SignedInContext) async throws -> Response {
        struct Input: Decodable { let role: String?; let fromUserId: Int64; let toUserId: Int64? }
        struct Output: Encodable { let changed: Int }
        let input = try JSONInput.decode(Input.self, from: try await body(request))
        guard let role = AgentRole(rawValue: input.role ?? AgentRole.salesAgent.rawValue) else {
            throw ValidationFailure([FieldError("role", "invalid_choice")])
        }
        let changed = try await env.stores.clients.reassign(role, from: User.ID(input.fromUserId),
                                                            to: input.toUserId.map(User.ID.init), by: context.viewer)
        return try json(Output(changed: changed))
    }
}
