using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NerfEngine.Shared.Fabric.Management;
using Spectre.Console;

namespace NerfEngine.Shared.Fabric.Hosting;

/// <summary>
/// The <c>run</c> verb shared by every executable: build the node host for a role, let the
/// executable add its services and routes, serve management HTTP, print the node's health.
/// </summary>
public static class NodeRunCommand
{
    public static readonly Option<bool> Once = new("--once")
    {
        Description = "Start, print the node's health and exit (0 when ready).",
    };

    /// <param name="role">Default role when configuration names none.</param>
    /// <param name="configure">
    /// Adds the executable's services and options to the host; runs before anything starts, so it is also where the
    /// verb's own arguments are checked (an error thrown here leaves no journal, banner or listener behind).
    /// </param>
    /// <param name="mapRoutes">Adds the executable's HTTP routes beside management's.</param>
    /// <param name="work">Optional foreground job after start (e.g. a replay); its exit code ends the run.</param>
    public static Command Create(
        string role,
        string description,
        Action<WebApplicationBuilder, ParseResult>? configure = null,
        Action<WebApplication>? mapRoutes = null,
        Func<WebApplication, ParseResult, CancellationToken, Task<int>>? work = null,
        params Option[] extraOptions)
    {
        var command = new Command("run", description);
        command.Options.Add(Once);
        foreach (var option in extraOptions) command.Options.Add(option);
        CommonOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var builder = NodeHost.CreateBuilder(role, CommonOptions.Overrides(parse));
            configure?.Invoke(builder, parse);
            await using var app = builder.Build();
            app.MapManagement();
            mapRoutes?.Invoke(app);
            await NodeHost.StartAsync(app, ct);
            var health = await NodeHealthReport.ReadAsync(app, ct);
            health.Render(AnsiConsole.Console, app.Services.GetServices<INodeBannerRows>().SelectMany(r => r.Rows(health.ManagementUrl)).ToArray());
            if (work is not null)
            {
                var code = await work(app, parse, ct);
                await app.StopAsync(CancellationToken.None);
                return code;
            }
            if (parse.GetValue(Once))
            {
                await app.StopAsync(CancellationToken.None);
                return health.Ready ? 0 : 1;
            }
            AnsiConsole.MarkupLine("[grey]Serving; press Ctrl+C to stop.[/]");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }
}
