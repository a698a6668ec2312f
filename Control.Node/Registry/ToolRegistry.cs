using System.Collections.Frozen;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NerfEngine.Control.Registry.Admission;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Control.Registry.Schemas;
using NerfEngine.Control.Registry.Tools;
using NerfEngine.Shared.Fabric.Metrics;

namespace NerfEngine.Control.Registry;

/// <summary>
/// The tool registry (SPEC §6): every tool call from every transport goes through <see cref="CallAsync"/>,
/// which enforces, in order — tool exists, agent mode permits it, arguments pass the input schema and the
/// tool's semantic check, the minimum interval has elapsed and the mutation budget has room (atomically,
/// see <see cref="AdmissionControl"/>) — then runs the handler, validates the output against the output
/// schema, and writes one audit record whatever happened. Nothing that fails a check reaches the engine;
/// no output that fails its schema leaves.
/// </summary>
/// <remarks>
/// Admitted mutations are write-ahead: an <see cref="AuditOutcomes.Admitted"/> record (the budget unit it spent) is in
/// the journal before the handler runs, and the outcome record is in the journal before the reply, so a kill at any
/// point can neither refill a budget (<see cref="RestoreBudgetsAsync"/> reads those records) nor leave an acknowledged
/// mutation without evidence. If the journal refuses the admission record, nothing runs. Every other record (reads,
/// refusals) is group-committed behind the reply; see <see cref="AuditTrail"/> for that loss window.
/// </remarks>
public sealed class ToolRegistry
{
    private readonly FrozenDictionary<string, Entry> _tools;
    private readonly AuditTrail _audit;
    private readonly RegistryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Builds the registry from tool groups; the introspection tools are always included.</summary>
    /// <exception cref="ArgumentException">Two tools share a name, or the options are invalid.</exception>
    public ToolRegistry(
        IEnumerable<IToolGroup> groups,
        AuditTrail audit,
        RegistryOptions? options = null,
        TimeProvider? time = null,
        NerfMetrics? metrics = null,
        ILogger<ToolRegistry>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _options = options ?? new RegistryOptions();
        var problems = _options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Registry options rejected: {string.Join(" ", problems)}", nameof(options));
        }

        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Admission = new AdmissionControl(_time, _options.MutationWindow);

        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var definition in groups.Append(new IntrospectionTools(this)).SelectMany(g => g.CreateTools()))
        {
            if (entries.ContainsKey(definition.Name))
            {
                throw new ArgumentException($"Two tools are named '{definition.Name}'.", nameof(groups));
            }

            _options.Tools.TryGetValue(definition.Name, out var overrides);
            entries[definition.Name] = new Entry(definition, definition.Describe(overrides), new ToolMetrics());
        }

        var unknown = _options.Tools.Keys.Where(k => !entries.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Registry:Tools names unknown tools: {string.Join(", ", unknown)}.", nameof(options));
        }

        _tools = entries.ToFrozenDictionary(StringComparer.Ordinal);
        Descriptors = _tools.Values.Select(e => e.Descriptor).OrderBy(d => d.Name, StringComparer.Ordinal).ToArray();
        Metrics = _tools.ToFrozenDictionary(e => e.Key, e => e.Value.Metrics, StringComparer.Ordinal);
        if (metrics is not null)
        {
            RegistryMetrics.Register(metrics, Metrics, _audit);
        }
    }

    /// <summary>Every tool, sorted by name.</summary>
    public IReadOnlyList<ToolDescriptor> Descriptors { get; }

    /// <summary>Counters per tool name.</summary>
    public IReadOnlyDictionary<string, ToolMetrics> Metrics { get; }

    /// <summary>Rate limits and budgets.</summary>
    public AdmissionControl Admission { get; }

    /// <summary>Where audit records go.</summary>
    public AuditTrail Audit => _audit;

    /// <summary>The registry's options (read-only use).</summary>
    public RegistryOptions Options => _options;

    /// <summary>The tools an agent may call (tools/list shows exactly these).</summary>
    public IEnumerable<ToolDescriptor> VisibleTo(AgentIdentity agent) => Descriptors.Where(d => agent.Mode.Permits(d.RequiredMode));

    /// <summary>The descriptor of a tool, if it exists.</summary>
    public bool TryGetDescriptor(string name, out ToolDescriptor? descriptor)
    {
        var found = _tools.TryGetValue(name, out var entry);
        descriptor = entry?.Descriptor;
        return found;
    }

    /// <summary>The definition behind a tool name (schemas and handler), for diagnostics and benchmarks.</summary>
    /// <exception cref="KeyNotFoundException">No such tool.</exception>
    public ToolDefinition Definition(string name) =>
        _tools.TryGetValue(name, out var entry) ? entry.Definition : throw new KeyNotFoundException($"No tool named '{name}'.");

    /// <summary>Re-seeds mutation budgets from the audit journal so a restart does not refill them.</summary>
    public async Task RestoreBudgetsAsync(CancellationToken cancellationToken = default)
    {
        var since = _time.GetUtcNow() - _options.MutationWindow;
        var byAgent = await _audit.ReadMutationsSinceAsync(since, cancellationToken).ConfigureAwait(false);
        foreach (var (agent, times) in byAgent)
        {
            Admission.Restore(agent, times);
        }

        if (byAgent.Count > 0)
        {
            _logger.LogInformation("Registry: restored mutation budgets of {Agents} agent(s) from the audit journal", byAgent.Count);
        }
    }

    /// <summary>Calls a tool on behalf of <paramref name="agent"/>; never throws for bad input (see <see cref="ToolCallResult"/>).</summary>
    /// <param name="agent">Authenticated caller.</param>
    /// <param name="toolName">Tool name.</param>
    /// <param name="argumentsJson">Arguments as a JSON object text; null or empty means <c>{}</c>.</param>
    /// <param name="options">Dry run and transport; <see cref="ToolCallOptions.Execute"/> when null.</param>
    /// <param name="cancellationToken">Cancels the handler.</param>
    public async ValueTask<ToolCallResult> CallAsync(
        AgentIdentity agent, string toolName, string? argumentsJson, ToolCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(toolName);
        options ??= ToolCallOptions.Execute;
        var started = Stopwatch.GetTimestamp();
        var call = new ToolCall(Guid.CreateVersion7(), agent, _time.GetUtcNow(), options.DryRun);
        var args = string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson;
        var audit = new Pending(this, call, toolName, args, options.Transport, started);

        if (!_tools.TryGetValue(toolName, out var entry))
        {
            var message = $"Unknown tool '{ToolSummary.Bound(toolName, 128)}'. Call list_tools_schema (or tools/list) for the tools available to you.";
            await audit.WriteAsync(false, AuditOutcomes.UnknownTool, "unknown_tool", message, null, admitted: false, committed: false).ConfigureAwait(false);
            return new ToolCallResult(call.CallId, toolName, ToolCallStatus.UnknownTool, null, new ToolError("UNKNOWN_TOOL", message), Committed: false);
        }

        var descriptor = entry.Descriptor;
        var metrics = entry.Metrics;
        try
        {
            if (!agent.Mode.Permits(descriptor.RequiredMode))
            {
                return await audit.RefuseAsync(entry, new ToolError(
                    ToolErrorCodes.ModeNotPermitted,
                    $"{descriptor.Name} requires mode {descriptor.RequiredMode.ToWireName()}; agent '{agent.Name}' has mode {agent.Mode.ToWireName()}.")).ConfigureAwait(false);
            }

            BoundCall bound;
            try
            {
                using var document = JsonDocument.Parse(args, CompiledSchema.ParseOptions);
                bound = await entry.Definition.BindAsync(document.RootElement, call, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                bound = new BoundCall(null, [$"(arguments): not valid JSON ({ex.Message.Split(" Path:")[0]})"]);
            }
            catch (ToolFailureException ex)
            {
                return await audit.RefuseAsync(entry, ex.Error).ConfigureAwait(false);
            }

            if (bound.Call is not { } prepared)
            {
                metrics.RejectedArguments();
                return await audit.RefuseAsync(entry, new ToolError(
                    ToolErrorCodes.InvalidArguments,
                    $"Invalid arguments for {descriptor.Name} ({bound.Errors.Count} problem{(bound.Errors.Count == 1 ? string.Empty : "s")}): {string.Join("; ", bound.Errors).TrimEnd('.')}. " +
                    "Fix them and call again; list_tools_schema shows the input schema.",
                    Details: bound.Errors)).ConfigureAwait(false);
            }

            var decision = Admission.TryAdmit(agent, descriptor);
            if (!decision.Admitted)
            {
                if (decision.Error!.Code == ToolErrorCodes.RateLimited)
                {
                    metrics.HitRateLimit();
                }
                else
                {
                    metrics.HitBudget();
                }

                return await audit.RefuseAsync(entry, decision.Error).ConfigureAwait(false);
            }

            // The call's admitted records carry the budget unit's own time, so a restore re-seeds exactly the live unit.
            audit.BudgetUnitAt = decision.BudgetUnitAt;
            if (call.DryRun)
            {
                if (descriptor.Mutates)
                {
                    metrics.Mutated();
                }

                // A dry run's single record is its admission (for a mutating tool, durable before the reply).
                var effect = prepared.EstimateEffect();
                if (!await audit.WriteAsync(descriptor.Mutates, AuditOutcomes.DryRun, null, null, ToolSummary.Bound("would: " + effect, _options.AuditMaxSummaryChars), admitted: true, committed: false).ConfigureAwait(false))
                {
                    return audit.Unjournaled(entry);
                }

                return new ToolCallResult(call.CallId, toolName, ToolCallStatus.Succeeded, null, null, Committed: false, effect);
            }

            if (descriptor.Mutates && !await audit.WriteAheadAsync().ConfigureAwait(false))
            {
                metrics.Mutated(); // the unit stays spent (see AdmissionControl)
                return audit.Unjournaled(entry);
            }

            return await ExecuteAsync(entry, prepared, audit, decision.BudgetUnitAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            metrics.Invoked(Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Runs an admitted call. A mutation counts in <see cref="ToolMetrics.Mutations"/> and keeps its budget unit unless its
    /// tool failed with no effect and that outcome is journaled (then the unit is refunded).
    /// </summary>
    private async ValueTask<ToolCallResult> ExecuteAsync(
        Entry entry, IPreparedCall prepared, Pending audit, DateTimeOffset? budgetUnitAt, CancellationToken cancellationToken)
    {
        var descriptor = entry.Descriptor;
        var refunded = false;
        try
        {
            PreparedOutput output;
            try
            {
                output = await prepared.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ToolFailureException ex)
            {
                entry.Metrics.Errored();
                var noEffect = descriptor.Mutates && ex.NoEffect;
                var outcome = noEffect ? AuditOutcomes.NoEffect : AuditOutcomes.ForToolError(ex.Error.Code);
                var journaled = await audit.WriteAsync(descriptor.Mutates, outcome, ex.Error.Code, ex.Error.Message, null, admitted: true, committed: false).ConfigureAwait(false);
                if (noEffect && journaled && budgetUnitAt is { } unit)
                {
                    // Only once the no-effect outcome is journaled: a restore then agrees that the unit was given back.
                    Admission.Refund(audit.Call.Agent.Name, unit);
                    refunded = true;
                }

                return new ToolCallResult(audit.Call.CallId, descriptor.Name, ToolCallStatus.ToolError, null, ex.Error, Committed: false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                entry.Metrics.Errored();
                _logger.LogError(ex, "Tool {Tool} failed (call {CallId})", descriptor.Name, audit.Call.CallId);
                return await audit.FailAsync(entry, AuditOutcomes.InternalError, $"{descriptor.Name} failed inside the node ({ex.GetType().Name}); the error is logged under call id {audit.Call.CallId}.", committed: false).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                entry.Metrics.Errored();
                await audit.WriteAsync(descriptor.Mutates, AuditOutcomes.InternalError, "cancelled", "The call was cancelled by the caller.", null, admitted: true, committed: false).ConfigureAwait(false);
                throw;
            }

            var problems = entry.Definition.OutputSchema.Validate(output.Json);
            if (problems.Count > 0)
            {
                entry.Metrics.Errored();
                entry.Metrics.WithheldOutput();
                _logger.LogError("Tool {Tool} produced output that fails its schema (call {CallId}): {Problems}", descriptor.Name, audit.Call.CallId, string.Join("; ", problems));
                return await audit.FailAsync(entry, AuditOutcomes.OutputInvalid,
                    $"{descriptor.Name} produced a result that does not match its output schema; it was withheld (call id {audit.Call.CallId}).",
                    ToolSummary.Bound(string.Join("; ", problems), _options.AuditMaxSummaryChars), committed: true).ConfigureAwait(false);
            }

            var structured = output.Json;
            var summary = output.Summary.Length > 0 ? output.Summary : ToolSummary.Describe(structured, _options.AuditMaxSummaryChars);
            await audit.WriteAsync(descriptor.Mutates, AuditOutcomes.Ok, null, null, ToolSummary.Bound(summary, _options.AuditMaxSummaryChars), admitted: true, committed: true).ConfigureAwait(false);
            return new ToolCallResult(audit.Call.CallId, descriptor.Name, ToolCallStatus.Succeeded, structured, null, Committed: true);
        }
        finally
        {
            if (descriptor.Mutates && !refunded)
            {
                entry.Metrics.Mutated();
            }
        }
    }

    /// <summary>Records an MCP-level event that never became a tool call (refused request, protocol error, tools/list).</summary>
    public ValueTask RecordProtocolEventAsync(
        string agent, string transport, string? method, string? tool, string? rawParams, string outcome, string? errorCode, string? message, TimeSpan duration)
    {
        var record = new AuditRecord(
            Guid.CreateVersion7(), _time.GetUtcNow(), agent, transport, method, tool, Mutates: false,
            rawParams is null ? null : ToolSummary.Bound(rawParams, _options.AuditMaxParamsChars),
            outcome, errorCode, message is null ? null : ToolSummary.Bound(message, _options.AuditMaxSummaryChars),
            ResultSummary: null, Admitted: false, Committed: false, duration.TotalMilliseconds);
        return _audit.RecordAsync(record);
    }

    private sealed record Entry(ToolDefinition Definition, ToolDescriptor Descriptor, ToolMetrics Metrics);

    /// <summary>
    /// The audit record of one call, written exactly once on whichever path the call ends — plus, for an admitted
    /// mutation, its write-ahead admission record under the same call id.
    /// </summary>
    private sealed class Pending(ToolRegistry registry, ToolCall call, string tool, string args, string transport, long started)
    {
        public ToolCall Call => call;

        /// <summary>
        /// When admission took the call's budget unit (mutations only; set once admitted). Admitted records are stamped
        /// with it rather than the receipt time, which precedes binding and validation: restoring from the journal then
        /// puts each unit back at the instant the live window holds it, so it expires exactly when the live one would.
        /// </summary>
        public DateTimeOffset? BudgetUnitAt { get; set; }

        /// <summary>
        /// Writes the call's outcome record: durably (awaited until appended) when it is an admitted mutation's, so the
        /// reply never overtakes it; otherwise enqueued for group commit. False only when a durable append failed.
        /// </summary>
        public ValueTask<bool> WriteAsync(bool mutates, string outcome, string? code, string? message, string? summary, bool admitted, bool committed)
        {
            var o = registry._options;
            var record = new AuditRecord(
                call.CallId, admitted && BudgetUnitAt is { } unitAt ? unitAt : call.ReceivedAt, call.Agent.Name, transport, "tools/call", ToolSummary.Bound(tool, 128), mutates,
                ToolSummary.Bound(args, o.AuditMaxParamsChars), outcome, code,
                message is null ? null : ToolSummary.Bound(message, o.AuditMaxSummaryChars), summary, admitted, committed,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (mutates && admitted)
            {
                return registry._audit.RecordDurablyAsync(record);
            }

            var enqueued = registry._audit.RecordAsync(record);
            return enqueued.IsCompletedSuccessfully ? new ValueTask<bool>(true) : AwaitEnqueuedAsync(enqueued);
        }

        /// <summary>The admitted mutation's write-ahead record; true once it is in the journal.</summary>
        public ValueTask<bool> WriteAheadAsync() =>
            WriteAsync(mutates: true, AuditOutcomes.Admitted, null, null, null, admitted: true, committed: false);

        /// <summary>The reply when the journal did not take an admitted mutation's write-ahead record: nothing ran.</summary>
        public ToolCallResult Unjournaled(Entry entry)
        {
            entry.Metrics.Errored();
            registry._logger.LogError("Tool {Tool} (call {CallId}) was admitted but its audit record could not be written ahead; it was not executed", entry.Descriptor.Name, call.CallId);
            return new ToolCallResult(call.CallId, entry.Descriptor.Name, ToolCallStatus.ToolError, null, new ToolError(
                ToolErrorCodes.Unavailable,
                $"{entry.Descriptor.Name} was not executed: the audit journal did not accept the record of this mutation (call id {call.CallId}), " +
                "and a mutation never runs without one. Retry once the journal is available.",
                Retryable: true), Committed: false);
        }

        private static async ValueTask<bool> AwaitEnqueuedAsync(ValueTask enqueued)
        {
            await enqueued.ConfigureAwait(false);
            return true;
        }

        public async ValueTask<ToolCallResult> RefuseAsync(Entry entry, ToolError error)
        {
            entry.Metrics.Errored();
            await WriteAsync(entry.Descriptor.Mutates, AuditOutcomes.ForToolError(error.Code), error.Code, error.Message, null, admitted: false, committed: false).ConfigureAwait(false);
            return new ToolCallResult(call.CallId, entry.Descriptor.Name, ToolCallStatus.ToolError, null, error, Committed: false);
        }

        public async ValueTask<ToolCallResult> FailAsync(Entry entry, string outcome, string message, string? detail = null, bool committed = false)
        {
            await WriteAsync(entry.Descriptor.Mutates, outcome, "internal_error", detail ?? message, null, admitted: true, committed).ConfigureAwait(false);
            return new ToolCallResult(call.CallId, entry.Descriptor.Name, ToolCallStatus.InternalError, null, new ToolError("INTERNAL_ERROR", message), Committed: false);
        }
    }
}
