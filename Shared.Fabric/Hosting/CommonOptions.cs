using System.CommandLine;

namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>Options every node verb accepts, so configuration works the same on every executable.</summary>
public static class CommonOptions
{
    public static readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "Extra JSON configuration file (applied after appsettings.json, before NERF__* variables).",
    };

    public static readonly Option<string[]> Set = new("--set")
    {
        Description = "Configuration override Key=Value (e.g. Management:Port=9000); repeatable; wins over everything.",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string> LogFormat = new("--log-format")
    {
        Description = "Console log format: simple or json.",
        DefaultValueFactory = _ => "simple",
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Set);
        command.Options.Add(LogFormat);
    }

    /// <summary>Turns the parsed common options into configuration overrides; throws on a malformed --set.</summary>
    public static Dictionary<string, string?> Overrides(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Logging:Format"] = parse.GetValue(LogFormat),
        };
        if (parse.GetValue(Config) is { } file)
        {
            if (!file.Exists) throw new FileNotFoundException($"Configuration file not found: {file.FullName}", file.FullName);
            overrides["Node:ConfigFile"] = file.FullName;
        }
        foreach (var pair in parse.GetValue(Set) ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"--set expects Key=Value, got '{pair}'.");
            overrides[pair[..eq]] = pair[(eq + 1)..];
        }
        return overrides;
    }
}
