namespace NerfEngine.Control.Registry;

/// <summary>
/// Who is calling a tool, as established by the transport (bearer token on HTTP, <c>--agent</c> on stdio).
/// Mode and budget come from the agent's credentials, never from the request.
/// </summary>
/// <param name="Name">Stable agent name; audit records and rate limits key on it.</param>
/// <param name="Mode">Highest tool mode the agent may call.</param>
/// <param name="MutationBudgetPerHour">Mutating calls admitted per sliding window (see <see cref="RegistryOptions.MutationWindow"/>).</param>
public sealed record AgentIdentity(string Name, AgentMode Mode, int MutationBudgetPerHour)
{
    /// <summary>SPEC §6 default budget: 10 mutations per hour.</summary>
    public const int DefaultMutationBudgetPerHour = 10;

    /// <summary>Name used in audit records for requests rejected before an agent was identified.</summary>
    public const string AnonymousName = "anonymous";
}
