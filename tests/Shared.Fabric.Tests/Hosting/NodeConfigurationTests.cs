using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Management;

namespace NerfEngine.Tests.SharedFabric.Hosting;

/// <summary>Configuration layering: appsettings.json &lt; --config file &lt; NERF__* variables &lt; --set.</summary>
public sealed class NodeConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Later_sources_override_earlier_ones()
    {
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"),
            """{ "Management": { "Port": 1111, "Hostname": "127.0.0.2" }, "Node": { "SystemName": "from-appsettings", "DataDirectory": "a" } }""");
        var extra = Path.Combine(_dir, "site.json");
        File.WriteAllText(extra, """{ "Node": { "SystemName": "from-config-file", "DataDirectory": "b" } }""");
        Environment.SetEnvironmentVariable("NERF__Node__DataDirectory", "from-env");
        Environment.SetEnvironmentVariable("NERF__Management__Port", "2222");
        try
        {
            var builder = NodeHost.CreateBuilder("sensor", new Dictionary<string, string?>
            {
                ["Node:ConfigFile"] = extra,
                ["Management:Port"] = "3333",
            }, contentRoot: _dir);
            var node = builder.Services.BuildServiceProvider().GetRequiredService<IOptions<NodeOptions>>().Value;
            var management = builder.Configuration.GetSection(ManagementOptions.Section).Get<ManagementOptions>()!;

            Assert.Equal("from-config-file", node.SystemName);
            Assert.Equal("from-env", node.DataDirectory);
            Assert.Equal(3333, management.Port);
            Assert.Equal("127.0.0.2", management.Hostname);
            Assert.Equal(["sensor"], node.Roles);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NERF__Node__DataDirectory", null);
            Environment.SetEnvironmentVariable("NERF__Management__Port", null);
        }
    }

    [Fact]
    public void A_malformed_override_is_a_clear_error()
    {
        var root = new System.CommandLine.RootCommand();
        CommonOptions.AddTo(root);
        var parse = root.Parse(["--set", "NoEqualsSign"]);
        var ex = Assert.Throws<ArgumentException>(() => CommonOptions.Overrides(parse));
        Assert.Contains("Key=Value", ex.Message);
    }

    [Fact]
    public void A_missing_config_file_is_a_clear_error()
    {
        var root = new System.CommandLine.RootCommand();
        CommonOptions.AddTo(root);
        var parse = root.Parse(["--config", Path.Combine(_dir, "absent.json")]);
        var ex = Assert.Throws<FileNotFoundException>(() => CommonOptions.Overrides(parse));
        Assert.Contains("absent.json", ex.Message);
    }
}
