using System.Text.Json;
using NerfEngine.Control.Autonomy.Execution;

namespace NerfEngine.Control.Registry;

/// <summary>
/// The Executor's way to run a tool (<see cref="IToolInvoker"/>): the same registry path an MCP agent takes —
/// schema validation, rate limits, budget, audit, metrics — under the executor's own agent identity. The
/// executor has its own (phase and trust dependent) budget; the registry budget of its identity is a second,
/// independent bound (<see cref="RegistryOptions.ExecutorMutationBudgetPerHour"/>).
/// </summary>
public sealed class RegistryToolInvoker(ToolRegistry registry, AgentIdentity executor) : IToolInvoker
{
    /// <summary>The identity the executor's calls are audited and budgeted under.</summary>
    public AgentIdentity Agent => executor;

    public async ValueTask<ToolInvocationResult> InvokeAsync(string tool, JsonElement args, CancellationToken cancellationToken)
    {
        var text = args.ValueKind == JsonValueKind.Undefined ? null : args.GetRawText();
        var result = await registry.CallAsync(executor, tool, text, ToolCallOptions.Execute, cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            return ToolInvocationResult.Success(result.Structured is { } s ? ToolSummary.Describe(s, registry.Options.AuditMaxSummaryChars) : null);
        }

        var error = result.Error!;
        var message = $"{error.Code}: {error.Message}";
        return error.Code == ToolErrorCodes.RateLimited
            ? ToolInvocationResult.RateLimit(message)
            : ToolInvocationResult.Failure(message);
    }
}
