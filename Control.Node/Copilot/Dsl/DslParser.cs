using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NerfEngine.Control.Copilot.Dsl;

/// <summary>
/// The one parser of the DSL, for both forms: line-based text ("FOCUS 10.10.0.80", one step per
/// line or separated by ';', '#' comments) and a JSON plan
/// (<c>[{"verb":"FOCUS","args":["10.10.0.80"]}, …]</c>, or that array under a "plan" property).
/// Arguments are validated and normalised here so the executor never sees a malformed step.
/// </summary>
public static partial class DslParser
{
    /// <summary>ANALYZE metrics.</summary>
    public static readonly IReadOnlyList<string> Analyses = ["degree_delta", "detections", "fanin", "fanout", "port_spread", "temporal_sync"];

    /// <summary>CLUSTER methods.</summary>
    public static readonly IReadOnlyList<string> ClusterMethods = ["timing", "asn"];

    /// <summary>FILTER fields.</summary>
    public static readonly IReadOnlyList<string> FilterFields = ["weight", "port", "protocol", "packets", "bytes", "records"];

    /// <summary>FILTER operators.</summary>
    public static readonly IReadOnlyList<string> FilterOperators = ["=", "!=", ">", ">=", "<", "<="];

    /// <summary>Default TRACE depth.</summary>
    public const int DefaultTraceDepth = 2;

    /// <summary>Default EXPAND depth.</summary>
    public const int DefaultExpandDepth = 1;

    /// <summary>Parses the text form.</summary>
    /// <exception cref="DslParseException">A step is not valid; the message and <see cref="DslParseException.Line"/> /
    /// <see cref="DslParseException.Column"/> name where the step starts (1-based).</exception>
    public static IReadOnlyList<DslStep> ParseText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var steps = new List<DslStep>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            int partStart = 0;
            foreach (string part in line.Split(';'))
            {
                int offset = partStart;
                partStart += part.Length + 1;
                string[] tokens = part.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length == 0) continue;
                try
                {
                    steps.Add(Create(tokens[0], tokens[1..]));
                }
                catch (DslParseException ex)
                {
                    int column = offset + part.IndexOf(tokens[0], StringComparison.Ordinal) + 1;
                    throw new DslParseException($"line {i + 1}, column {column}: {ex.Message}", i + 1, column);
                }
            }
        }

        return steps;
    }

    /// <summary>Parses the JSON form: an array of {"verb", "args"} or {"plan": [...]}.</summary>
    /// <exception cref="DslParseException">Not JSON, not a plan, or a step is invalid; the message names the step.</exception>
    public static IReadOnlyList<DslStep> ParseJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            return ParseJson(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw new DslParseException($"plan is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Parses an already-parsed JSON plan.</summary>
    public static IReadOnlyList<DslStep> ParseJson(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("plan", out JsonElement plan))
        {
            root = plan;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new DslParseException("plan must be a JSON array of {\"verb\": …, \"args\": […]} steps");
        }

        var steps = new List<DslStep>();
        int index = 0;
        foreach (JsonElement item in root.EnumerateArray())
        {
            try
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("verb", out JsonElement verb) || verb.ValueKind != JsonValueKind.String)
                {
                    throw new DslParseException("each step must be an object with a string \"verb\"");
                }

                var args = new List<string>();
                if (item.TryGetProperty("args", out JsonElement a))
                {
                    if (a.ValueKind == JsonValueKind.Array)
                    {
                        foreach (JsonElement arg in a.EnumerateArray())
                        {
                            args.AddRange(ArgText(arg).Split(' ', StringSplitOptions.RemoveEmptyEntries));
                        }
                    }
                    else if (a.ValueKind is not JsonValueKind.Null)
                    {
                        args.AddRange(ArgText(a).Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    }
                }

                steps.Add(Create(verb.GetString()!, args.ToArray()));
            }
            catch (DslParseException ex)
            {
                throw new DslParseException($"step {index + 1}: {ex.Message}");
            }

            index++;
        }

        return steps;
    }

    private static string ArgText(JsonElement arg) => arg.ValueKind switch
    {
        JsonValueKind.String => arg.GetString()!,
        JsonValueKind.Number => arg.GetRawText(),
        _ => throw new DslParseException($"arguments must be strings or numbers, not {arg.ValueKind.ToString().ToLowerInvariant()}"),
    };

    /// <summary>Validates and normalises one step.</summary>
    /// <exception cref="DslParseException">Unknown verb or bad arguments.</exception>
    public static DslStep Create(string verb, IReadOnlyList<string> args)
    {
        if (!Enum.TryParse(verb.Trim(), ignoreCase: true, out DslVerb v) || !Enum.IsDefined(v) || int.TryParse(verb, out _) || verb.Contains(','))
        {
            throw new DslParseException($"unknown verb '{verb}'; expected one of FOCUS, WINDOW, FILTER, ANALYZE, CLUSTER, TRACE, EXPAND, SUMMARIZE, ASSESS");
        }

        return v switch
        {
            DslVerb.Focus => new DslStep(v, [Focus(args)]),
            DslVerb.Window => new DslStep(v, Window(args)),
            DslVerb.Filter => new DslStep(v, Filter(args)),
            DslVerb.Analyze => new DslStep(v, [OneOf("ANALYZE", args, Analyses)]),
            DslVerb.Cluster => new DslStep(v, [OneOf("CLUSTER", args, ClusterMethods)]),
            DslVerb.Trace => new DslStep(v, [Depth("TRACE", args, DefaultTraceDepth)]),
            DslVerb.Expand => new DslStep(v, [Depth("EXPAND", args, DefaultExpandDepth)]),
            _ => args.Count == 0 ? new DslStep(v, []) : throw new DslParseException($"{v.ToString().ToUpperInvariant()} takes no arguments"),
        };
    }

    /// <summary>Node id of a FOCUS argument (an IP address or node:0x…).</summary>
    public static bool TryResolveNode(string entity, out ulong nodeId)
    {
        nodeId = 0;
        if (entity.StartsWith("node:0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(entity.AsSpan(7), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out nodeId);
        }

        if (IPAddress.TryParse(entity, out IPAddress? ip))
        {
            nodeId = Shared.Messages.Records.NodeAddress.FromIPAddress(ip).NodeId;
            return true;
        }

        return false;
    }

    /// <summary>Parses "90s", "5m", "2h", "1d", "250ms" (also "00:05:00").</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        Match m = DurationPattern().Match(text.Trim());
        if (m.Success)
        {
            double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            duration = m.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" or "sec" => TimeSpan.FromSeconds(n),
                "m" or "min" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }
        else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration))
        {
            return false;
        }

        return duration > TimeSpan.Zero;
    }

    /// <summary>Parses a WINDOW since time: Unix ns digits or an ISO-8601 instant.</summary>
    public static bool TryParseInstant(string text, out long unixNs)
    {
        unixNs = 0;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out unixNs))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
        {
            unixNs = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            return true;
        }

        return false;
    }

    private static string Focus(IReadOnlyList<string> args)
    {
        if (args.Count != 1 || !TryResolveNode(args[0], out _))
        {
            throw new DslParseException($"FOCUS takes one IP address or node:0x… id, got '{string.Join(' ', args)}'");
        }

        return args[0].Trim();
    }

    private static string[] Window(IReadOnlyList<string> args)
    {
        if (args.Count == 1 && args[0].Equals("all", StringComparison.OrdinalIgnoreCase)) return ["all"];
        if (args.Count == 1 && TryParseDuration(args[0], out _)) return [args[0].ToLowerInvariant()];
        if (args.Count == 2 && args[0].Equals("since", StringComparison.OrdinalIgnoreCase) && TryParseInstant(args[1], out _)) return ["since", args[1]];
        throw new DslParseException($"WINDOW takes a duration (90s, 5m, 1h), 'since <unix-ns|ISO-8601>' or 'all', got '{string.Join(' ', args)}'");
    }

    private static string[] Filter(IReadOnlyList<string> args)
    {
        if (args.Count == 1 && args[0].Equals("clear", StringComparison.OrdinalIgnoreCase)) return ["clear"];
        Match m = FilterPattern().Match(string.Join(' ', args));
        if (!m.Success)
        {
            throw new DslParseException($"FILTER takes '<field> <op> <number>' with field one of {string.Join(", ", FilterFields)} and op one of {string.Join(" ", FilterOperators)}, or 'clear'; got '{string.Join(' ', args)}'");
        }

        string field = m.Groups[1].Value.ToLowerInvariant();
        if (!FilterFields.Contains(field))
        {
            throw new DslParseException($"FILTER field '{field}' is unknown; expected one of {string.Join(", ", FilterFields)}");
        }

        string op = m.Groups[2].Value == "==" ? "=" : m.Groups[2].Value;
        return [field, op, m.Groups[3].Value];
    }

    private static string OneOf(string verb, IReadOnlyList<string> args, IReadOnlyList<string> allowed)
    {
        string? arg = args.Count == 1 ? args[0].ToLowerInvariant().Replace('-', '_') : null;
        if (arg == "fan_in") arg = "fanin";
        if (arg == "fan_out") arg = "fanout";
        if (arg is null || !allowed.Contains(arg))
        {
            throw new DslParseException($"{verb} takes one of {string.Join(", ", allowed)}, got '{string.Join(' ', args)}'");
        }

        return arg;
    }

    private static string Depth(string verb, IReadOnlyList<string> args, int fallback)
    {
        // Accepts "", "3", "depth 3", "depth=3", "paths depth 3", "neighbours 2".
        string joined = string.Join(' ', args);
        Match m = DepthPattern().Match(joined);
        if (!m.Success)
        {
            throw new DslParseException($"{verb} takes an optional 'depth N' (N ≥ 1), got '{joined}'");
        }

        int depth = m.Groups[1].Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : fallback;
        if (depth < 1) throw new DslParseException($"{verb} depth must be ≥ 1, got {depth}");
        return depth.ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d)$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s*([a-z_]+)\s*(==|!=|>=|<=|=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex FilterPattern();

    [GeneratedRegex(@"^\s*(?:(?:paths?|neighbou?rs?|from\s+focus)\s*)*(?:depth\s*=?\s*)?(\d+)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DepthPattern();
}
