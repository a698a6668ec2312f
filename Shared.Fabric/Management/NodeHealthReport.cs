using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace NerfEngine.Shared.Fabric.Management;

/// <summary>
/// What a node reports about itself through its own management HTTP, read over the wire so the
/// report proves the endpoint works, not just that the process started.
/// </summary>
public sealed record NodeHealthReport(string ManagementUrl, int AliveStatus, int ReadyStatus, JsonElement Members)
{
    public bool Ready => AliveStatus == 200 && ReadyStatus == 200;

    public static async Task<NodeHealthReport> ReadAsync(WebApplication app, CancellationToken ct)
    {
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                  ?? throw new InvalidOperationException("Management HTTP is not listening (Management:Enabled=false?).");
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        using var alive = await http.GetAsync("/alive", ct);
        using var ready = await http.GetAsync("/ready", ct);
        var members = await http.GetFromJsonAsync<JsonElement>("/cluster/members", ct);
        return new NodeHealthReport(url, (int)alive.StatusCode, (int)ready.StatusCode, members);
    }

    /// <param name="console">Where to write the table.</param>
    /// <param name="extraRows">The executable's own rows (<see cref="Hosting.INodeBannerRows"/>), after management's.</param>
    public void Render(IAnsiConsole console, IEnumerable<Hosting.NodeBannerRow>? extraRows = null)
    {
        var table = new Table().Title("[bold]NerfEngine node[/]").AddColumn("check").AddColumn("result");
        table.AddRow("management", Markup.Escape(ManagementUrl));
        table.AddRow("/alive", Status(AliveStatus));
        table.AddRow("/ready", Status(ReadyStatus));
        table.AddRow("self", Markup.Escape(Members.GetProperty("selfNode").GetString() ?? "?"));
        foreach (var m in Members.GetProperty("members").EnumerateArray())
        {
            var roles = string.Join(",", m.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            table.AddRow("member", Markup.Escape($"{m.GetProperty("node").GetString()} {m.GetProperty("status").GetString()} [{roles}]"));
        }
        table.AddRow("leader", Markup.Escape(Members.GetProperty("leader").GetString() ?? "none"));
        foreach (var row in extraRows ?? [])
        {
            table.AddRow(Markup.Escape(row.Check), Markup.Escape(row.Result));
        }

        console.Write(table);
    }

    private static string Status(int code) => code == 200 ? "[green]200 OK[/]" : $"[red]{code}[/]";
}
