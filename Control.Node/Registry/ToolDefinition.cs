using System.Text.Json;
using NerfEngine.Control.Registry.Schemas;

namespace NerfEngine.Control.Registry;

/// <summary>
/// A tool as the registry holds it: descriptor plus the typed machinery to bind arguments and run the
/// handler. Create one with <see cref="Query{TIn,TOut}"/> or <see cref="Mutation{TIn,TOut}"/> and the
/// <c>With…</c> methods, and return it from an <see cref="IToolGroup"/>.
/// </summary>
/// <example>
/// <code>
/// ToolDefinition.Mutation&lt;DecayNowInput, DecayNowOutput&gt;("decay_now", "Decay now", "Applies decay …",
///         (input, call, ct) =&gt; engine.DecayNowAsync(ct))
///     .WithMinInterval(TimeSpan.FromSeconds(1))
///     .WithSummary(o =&gt; $"edges_removed={o.EdgesRemoved}");
/// </code>
/// </example>
public abstract class ToolDefinition
{
    private protected ToolDefinition(string name, string title, string description, bool mutates)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Name = name;
        Title = title;
        Description = description;
        Mutates = mutates;
        RequiredMode = mutates ? AgentMode.Mutate : AgentMode.Observe;
        Hints = mutates ? new ToolHints(ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: false) : ToolHints.Query;
    }

    /// <summary>Contract name.</summary>
    public string Name { get; }

    /// <summary>Human-readable title.</summary>
    public string Title { get; }

    /// <summary>Model-facing description.</summary>
    public string Description { get; }

    /// <summary>Counts against mutation budgets.</summary>
    public bool Mutates { get; }

    /// <summary>Lowest mode that may call; mutating tools default to <see cref="AgentMode.Mutate"/>.</summary>
    public AgentMode RequiredMode { get; private protected set; }

    /// <summary>Minimum interval between admitted calls (zero: none).</summary>
    public TimeSpan MinInterval { get; private protected set; }

    /// <summary>Who shares <see cref="MinInterval"/>.</summary>
    public RateLimitScope RateLimitScope { get; private protected set; }

    /// <summary>MCP annotations.</summary>
    public ToolHints Hints { get; private protected set; }

    /// <summary>Input schema (generated from the input record).</summary>
    public abstract ToolSchema InputSchema { get; }

    /// <summary>Output schema (generated from the output record).</summary>
    public abstract ToolSchema OutputSchema { get; }

    /// <summary>A read-only tool for <see cref="AgentMode.Observe"/> and above.</summary>
    public static ToolDefinition<TIn, TOut> Query<TIn, TOut>(
        string name, string title, string description, Func<TIn, ToolCall, CancellationToken, ValueTask<TOut>> handler)
        where TIn : class
        where TOut : class => new(name, title, description, mutates: false, handler);

    /// <summary>A read-only tool with a synchronous handler.</summary>
    public static ToolDefinition<TIn, TOut> Query<TIn, TOut>(string name, string title, string description, Func<TIn, ToolCall, TOut> handler)
        where TIn : class
        where TOut : class => new(name, title, description, mutates: false, (i, c, _) => ValueTask.FromResult(handler(i, c)));

    /// <summary>A state-changing tool: budgeted, <see cref="AgentMode.Mutate"/> unless raised with <see cref="ToolDefinition{TIn,TOut}.WithMode"/>.</summary>
    public static ToolDefinition<TIn, TOut> Mutation<TIn, TOut>(
        string name, string title, string description, Func<TIn, ToolCall, CancellationToken, ValueTask<TOut>> handler)
        where TIn : class
        where TOut : class => new(name, title, description, mutates: true, handler);

    /// <summary>Builds the descriptor, applying per-tool configuration overrides.</summary>
    internal ToolDescriptor Describe(ToolOverride? overrides) => new(
        Name,
        Description,
        InputSchema.Published,
        OutputSchema.Published,
        Mutates,
        overrides?.RequiredMode is { } mode ? AgentModes.Parse(mode) : RequiredMode,
        overrides?.MinIntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : MinInterval,
        overrides?.RateLimitScope ?? RateLimitScope,
        Hints,
        Title);

    /// <summary>Checks and binds arguments; returns the prepared call or every problem found.</summary>
    internal abstract ValueTask<BoundCall> BindAsync(JsonElement arguments, ToolCall call, CancellationToken cancellationToken);
}

/// <summary>Arguments bound to a tool: either ready to run, or rejected with every problem.</summary>
internal readonly record struct BoundCall(IPreparedCall? Call, IReadOnlyList<string> Errors);

/// <summary>A validated call waiting for admission.</summary>
internal interface IPreparedCall
{
    /// <summary>Runs the handler and returns its output as JSON written with <see cref="ToolJson.Options"/>.</summary>
    ValueTask<PreparedOutput> ExecuteAsync(CancellationToken cancellationToken);

    /// <summary>What the call would change, for dry runs.</summary>
    string EstimateEffect();
}

/// <summary>A handler's output: its JSON (validated, then delivered as structuredContent) and the audit summary.</summary>
internal readonly record struct PreparedOutput(JsonElement Json, string Summary);

/// <summary>A typed tool: <typeparamref name="TIn"/> and <typeparamref name="TOut"/> are records whose schemas are generated.</summary>
public sealed class ToolDefinition<TIn, TOut> : ToolDefinition
    where TIn : class
    where TOut : class
{
    private readonly Func<TIn, ToolCall, CancellationToken, ValueTask<TOut>> _handler;
    private Func<TIn, ToolCall, CancellationToken, ValueTask<IReadOnlyList<string>>>? _check;
    private Func<TOut, string>? _summary;
    private Func<TIn, string>? _effect;

    internal ToolDefinition(string name, string title, string description, bool mutates, Func<TIn, ToolCall, CancellationToken, ValueTask<TOut>> handler)
        : base(name, title, description, mutates)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        InputSchema = ToolSchemaFactory.ForInput<TIn>();
        OutputSchema = ToolSchemaFactory.ForOutput<TOut>();
    }

    /// <inheritdoc />
    public override ToolSchema InputSchema { get; }

    /// <inheritdoc />
    public override ToolSchema OutputSchema { get; }

    /// <summary>Raises (or lowers) the required mode.</summary>
    public ToolDefinition<TIn, TOut> WithMode(AgentMode mode)
    {
        RequiredMode = mode;
        return this;
    }

    /// <summary>Spaces admitted calls by <paramref name="interval"/> (SPEC §6 per-tool rate limit).</summary>
    public ToolDefinition<TIn, TOut> WithMinInterval(TimeSpan interval, RateLimitScope scope = RateLimitScope.PerAgent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        MinInterval = interval;
        RateLimitScope = scope;
        return this;
    }

    /// <summary>Overrides the MCP annotations.</summary>
    public ToolDefinition<TIn, TOut> WithHints(ToolHints hints)
    {
        Hints = hints ?? throw new ArgumentNullException(nameof(hints));
        return this;
    }

    /// <summary>
    /// A semantic check that runs after schema validation and before admission (so a rejected call costs
    /// no budget and no rate-limit slot). Return every problem; throw <see cref="ToolFailureException"/>
    /// for a specific error code (e.g. <see cref="ToolErrorCodes.PathNotAllowed"/>).
    /// </summary>
    public ToolDefinition<TIn, TOut> WithCheck(Func<TIn, ToolCall, IReadOnlyList<string>> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        _check = (input, call, _) => ValueTask.FromResult(check(input, call));
        return this;
    }

    /// <summary>An asynchronous check (e.g. asking the engine whether an edge exists); same rules as the synchronous one.</summary>
    public ToolDefinition<TIn, TOut> WithCheck(Func<TIn, ToolCall, CancellationToken, ValueTask<IReadOnlyList<string>>> check)
    {
        _check = check ?? throw new ArgumentNullException(nameof(check));
        return this;
    }

    /// <summary>The audit summary of a result (bounded by the registry; never the full output).</summary>
    public ToolDefinition<TIn, TOut> WithSummary(Func<TOut, string> summary)
    {
        _summary = summary;
        return this;
    }

    /// <summary>Describes what a call would change without running it (dry runs, shadow phase).</summary>
    public ToolDefinition<TIn, TOut> WithEffectEstimate(Func<TIn, string> effect)
    {
        _effect = effect;
        return this;
    }

    internal override async ValueTask<BoundCall> BindAsync(JsonElement arguments, ToolCall call, CancellationToken cancellationToken)
    {
        var errors = InputSchema.Validate(arguments);
        if (errors.Count > 0)
        {
            return new BoundCall(null, errors);
        }

        TIn? input;
        try
        {
            input = arguments.Deserialize<TIn>(ToolJson.Options);
        }
        catch (JsonException ex)
        {
            // The schema passed but the serializer refused (a value the schema cannot express, e.g. an out-of-range integer).
            return new BoundCall(null, [$"{(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "(arguments)" : ex.Path.TrimStart('$', '.'))}: {ex.Message.Split(" Path:")[0]}"]);
        }

        if (input is null)
        {
            return new BoundCall(null, ["(arguments): must be an object"]);
        }

        if (_check is not null && await _check(input, call, cancellationToken).ConfigureAwait(false) is { Count: > 0 } problems)
        {
            return new BoundCall(null, problems);
        }

        return new BoundCall(new Prepared(this, input, call), []);
    }

    private sealed class Prepared(ToolDefinition<TIn, TOut> tool, TIn input, ToolCall call) : IPreparedCall
    {
        public async ValueTask<PreparedOutput> ExecuteAsync(CancellationToken cancellationToken)
        {
            var output = await tool._handler(input, call, cancellationToken).ConfigureAwait(false)
                         ?? throw new InvalidOperationException($"Tool {tool.Name} returned null.");
            var json = JsonSerializer.SerializeToElement(output, ToolJson.Options);
            return new PreparedOutput(json, tool._summary?.Invoke(output) ?? string.Empty);
        }

        public string EstimateEffect() => tool._effect?.Invoke(input) ?? $"{tool.Name} would run with the given arguments";
    }
}
