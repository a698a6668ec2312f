using NerfEngine.Control.Engine;

namespace NerfEngine.Control.Copilot.Dsl;

/// <summary>
/// Runs DSL steps against a <see cref="GraphEngine"/>: each step is one <c>QueryAsync</c> on the
/// engine's thread, so a long plan never holds the engine between steps.
/// </summary>
public sealed class DslExecutor(GraphEngine engine, CopilotOptions? options = null)
{
    private readonly DslInterpreter _interpreter = new(options ?? new CopilotOptions());

    /// <summary>Runs <paramref name="steps"/> in order; failed steps are reported, later steps still run.</summary>
    public async Task<IReadOnlyList<DslStepResult>> ExecuteAsync(InvestigationSession session, IReadOnlyList<DslStep> steps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(steps);
        var results = new List<DslStepResult>(steps.Count);
        foreach (DslStep step in steps)
        {
            results.Add(await engine.QueryAsync(core => _interpreter.Run(core, session, step), cancellationToken));
        }

        session.LastResults = results;
        return results;
    }

    /// <summary>Parses the text form and runs it (graphops_dsl_exec).</summary>
    /// <exception cref="DslParseException">The text is not a valid plan.</exception>
    public Task<IReadOnlyList<DslStepResult>> ExecuteTextAsync(InvestigationSession session, string text, CancellationToken cancellationToken = default) =>
        ExecuteAsync(session, DslParser.ParseText(text), cancellationToken);
}
