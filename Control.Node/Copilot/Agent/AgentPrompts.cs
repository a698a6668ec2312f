using System.Text;
using System.Text.Json.Nodes;
using NerfEngine.Control.Copilot.Dsl;
using NerfEngine.Control.Copilot.Entities;

namespace NerfEngine.Control.Copilot.Agent;

/// <summary>
/// The two prompts of a step. The example values in <see cref="PlanSystem"/> are exactly the
/// defaults of <see cref="CopilotOptions.ExampleValues"/>, which the extractor and the plan filter refuse.
/// </summary>
internal static class AgentPrompts
{
    public const string PlanSystem = """
        You investigate a network graph with a small DSL. Verbs:
        FOCUS <ip|node:0x…>; WINDOW <90s|5m|1h|since <unix-ns>|all>; FILTER <weight|port|protocol|packets|bytes|records> <op> <number>;
        ANALYZE <degree_delta|detections|fanin|fanout|port_spread|temporal_sync>; CLUSTER <timing|asn>; TRACE [depth N]; EXPAND [depth N]; SUMMARIZE; ASSESS.
        A source (scanner, lateral mover) shows in fanout and port_spread; a destination (botnet target) in fanin, temporal_sync and CLUSTER timing.
        Answer ONLY with JSON: {"plan":[{"verb":"FOCUS","args":["10.0.0.1"]},{"verb":"ANALYZE","args":["fanin"]}]}
        (10.0.0.1, example.com and host:session:abc123 are placeholders: never use them; use the entities given.)
        Propose the next plan that best gathers missing evidence. Do not repeat a plan that already ran.
        """;

    public const string InterpretSystem = """
        You judge whether network evidence shows a threat (botnet coordination, scanning, lateral movement).
        Answer ONLY with JSON: {"confidence": <number 0..1>, "assessment": "<one or two sentences>"}.
        """;

    public static string PlanUser(string question, IReadOnlyList<ExtractedEntity> entities, InvestigationSession session, IReadOnlyList<AgentStep> history)
    {
        var sb = new StringBuilder();
        sb.Append("Question: ").AppendLine(question);
        sb.Append("Entities: ").AppendLine(entities.Count == 0 ? "none" : string.Join(", ", entities.Select(e => $"{e.KindName} {e.Value}")));
        sb.Append("Session: ").AppendLine(session.Describe().ToJsonString());
        foreach (AgentStep step in history)
        {
            sb.Append("Step ").Append(step.Number).Append(" plan: ").Append(step.Plan).Append(" → confidence ").Append(step.Confidence.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).AppendLine();
            foreach (DslStepResult r in step.Results) sb.Append("  ").Append(r.Step).Append(": ").AppendLine(r.Summary);
            if (step.PlanError is not null) sb.Append("  rejected: ").AppendLine(step.PlanError);
        }

        return sb.ToString();
    }

    public static string InterpretUser(string question, IReadOnlyList<DslStepResult> results, InvestigationSession session)
    {
        var evidence = new JsonObject(session.Evidence.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        var payload = new JsonObject
        {
            ["question"] = question,
            ["results"] = new JsonArray(results.Select(r => (JsonNode?)new JsonObject { ["step"] = r.Step, ["ok"] = r.Ok, ["summary"] = r.Summary }).ToArray()),
            ["evidence"] = evidence,
        };
        return payload.ToJsonString();
    }
}
