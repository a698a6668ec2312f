using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;
using NerfEngine.Control.Embedded;
using NerfEngine.Control.Engine;
using NerfEngine.Control.Mcp;
using NerfEngine.Control.Registry;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Control.Cli;

/// <summary>
/// <c>Control.Node mcp --stdio --agent NAME</c>: the tool registry over MCP stdio, for clients that spawn their
/// server (Claude Desktop, IDEs). Same registry, schemas, budgets and audit as <c>/mcp</c> on <c>run</c>; the agent
/// (mode and budget from <c>Mcp:Agents</c>) is named on the command line because stdio has no bearer token.
/// stdout carries only JSON-RPC; every log line goes to stderr. The process hosts its own embedded engine.
/// </summary>
public static class McpCommand
{
    public static Command Create()
    {
        var stdio = new Option<bool>("--stdio") { Description = "Serve MCP over stdin/stdout (the only transport of this verb; HTTP is /mcp on 'run')." };
        var agent = new Option<string>("--agent") { Description = "Agent from Mcp:Agents whose mode and mutation budget apply.", Required = true };
        var command = new Command("mcp", "Serve the tool registry over MCP stdio.") { stdio, agent };
        CommonOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (!parse.GetValue(stdio))
            {
                throw new ArgumentException("mcp needs --stdio (Streamable HTTP is served at /mcp by 'Control.Node run').");
            }

            var builder = NodeHost.CreateBuilder("control", CommonOptions.Overrides(parse));
            builder.Services.AddEmbeddedEngine(builder.Configuration);
            builder.Services.AddNerfMcp(builder.Configuration);
            // The web host is built for its services only: nothing listens, so this can run beside 'run'.
            await using var app = builder.Build();
            var services = app.Services;
            var name = parse.GetValue(agent)!;
            var agents = services.GetRequiredService<AgentDirectory>();
            if (!agents.TryGetByName(name, out var identity))
            {
                throw new ArgumentException($"No agent '{name}' in Mcp:Agents (configured: {(agents.Count == 0 ? "none" : string.Join(", ", agents.Names))}).");
            }

            var registry = services.GetRequiredService<ToolRegistry>();
            await registry.RestoreBudgetsAsync(ct);
            var engine = services.GetRequiredService<GraphEngine>();
            await using var subscription = await engine.SubscribeAsync(services.GetRequiredService<IEdgeBatchTransport>(), ct);

            var loggers = new SdkLoggerFactory(services.GetRequiredService<ILoggerFactory>(), services.GetRequiredService<McpOptions>().SdkLogLevel);
            var options = services.GetRequiredService<McpToolSurface>().CreateStdioServerOptions(identity!);
            // stdin/stdout as StdioServerTransport uses them, but end of input waits for the answers to requests already read.
            var pipe = new StdioRequestLedger(
                Console.OpenStandardInput(), Console.OpenStandardOutput(), services.GetRequiredService<McpOptions>().StdioDrainTimeout,
                services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(McpCommand)));
            await using var transport = new StreamServerTransport(pipe.Input, pipe.Output, options.ServerInfo?.Name, loggers);
            await using var server = McpServer.Create(transport, options, loggers, services);
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(McpCommand)).LogInformation("MCP stdio serving {Tools} tools to agent {Agent} (mode {Mode})",
                registry.VisibleTo(identity!).Count(), identity!.Name, identity.Mode.ToWireName());
            try
            {
                await server.RunAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C or the client closed the pipe.
            }

            await registry.Audit.FlushAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }
}
