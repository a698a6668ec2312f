using System.Collections.Frozen;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Schemas;

namespace NerfEngine.Control.Mcp;

/// <summary>
/// What MCP clients see of the registry: tools/list (per mode, with annotations and output schemas) and
/// tools/call (registry results mapped to MCP: tool errors as <c>isError</c> results the model can act on,
/// unknown tools and internal failures as JSON-RPC errors). One instance serves every transport; the agent
/// comes from the request (HTTP: the principal the endpoint attached) or is fixed (stdio).
/// </summary>
public sealed class McpToolSurface
{
    private readonly ToolRegistry _registry;
    private readonly AgentDirectory _agents;
    private readonly McpOptions _options;

    /// <summary>tools/list results per mode, built once: the tool set does not change while the node runs.</summary>
    private readonly FrozenDictionary<AgentMode, IList<Tool>> _toolsByMode;

    public McpToolSurface(ToolRegistry registry, AgentDirectory agents, McpOptions options)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _agents = agents ?? throw new ArgumentNullException(nameof(agents));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _toolsByMode = Enum.GetValues<AgentMode>().ToFrozenDictionary(
            mode => mode,
            mode => (IList<Tool>)registry.VisibleTo(new AgentIdentity("list", mode, 0)).Select(ToMcpTool).ToArray());
    }

    /// <summary>
    /// Server options whose handlers resolve the agent per request (HTTP). Built once and shared by every
    /// per-request server: creating options per request was the largest avoidable cost of a round trip.
    /// </summary>
    public McpServerOptions CreateHttpServerOptions() => CreateServerOptions(FromPrincipal, ToolTransports.Http);

    /// <summary>Server options for one fixed agent (stdio).</summary>
    public McpServerOptions CreateStdioServerOptions(AgentIdentity agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return CreateServerOptions(_ => agent, ToolTransports.Stdio);
    }

    private McpServerOptions CreateServerOptions(Func<JsonRpcRequest, AgentIdentity?> resolve, string transport) => new()
    {
        ServerInfo = new Implementation { Name = _options.ServerName, Version = typeof(McpToolSurface).Assembly.GetName().Version?.ToString(3) ?? "1.0.0" },
        ServerInstructions = _options.Instructions,
        // Handlers take what they need from the registry, not from DI scopes: a scope per request is pure cost.
        ScopeRequests = false,
        Capabilities = new ServerCapabilities { Tools = new ToolsCapability { ListChanged = false } },
        Handlers = new McpServerHandlers
        {
            ListToolsHandler = (request, _) =>
            {
                var agent = resolve(request.JsonRpcRequest) ?? throw Unauthenticated();
                return ValueTask.FromResult(new ListToolsResult { Tools = _toolsByMode[agent.Mode] });
            },
            CallToolHandler = async (request, cancellationToken) =>
            {
                var agent = resolve(request.JsonRpcRequest) ?? throw Unauthenticated();
                var name = request.Params?.Name ?? throw new McpProtocolException("tools/call needs params.name.", McpErrorCode.InvalidParams);
                var result = await _registry.CallAsync(agent, name, ArgumentsText(request.JsonRpcRequest), new ToolCallOptions(Transport: transport), cancellationToken).ConfigureAwait(false);
                return ToMcpResult(result);
            },
        },
    };

    /// <summary>
    /// The arguments exactly as sent (raw JSON text from the request), so validation sees what the client
    /// wrote rather than a re-serialised dictionary.
    /// </summary>
    private static string? ArgumentsText(JsonRpcRequest request) =>
        request.Params is System.Text.Json.Nodes.JsonObject p && p.TryGetPropertyValue("arguments", out var args) && args is not null
            ? args.ToJsonString()
            : null;

    private AgentIdentity? FromPrincipal(JsonRpcRequest request) =>
        request.Context?.User?.FindFirst(AgentDirectory.AgentClaim)?.Value is { } name && _agents.TryGetByName(name, out var agent) ? agent : null;

    private static McpProtocolException Unauthenticated() =>
        new("The request carries no authenticated agent.", McpErrorCode.InvalidRequest);

    /// <summary>Maps a registry result to MCP.</summary>
    public static CallToolResult ToMcpResult(ToolCallResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        switch (result.Status)
        {
            case ToolCallStatus.Succeeded when result.Structured is { } structured:
                return new CallToolResult
                {
                    StructuredContent = structured,
                    Content = [new TextContentBlock { Text = structured.GetRawText() }],
                };
            case ToolCallStatus.Succeeded:
                // A dry run has no output of the tool's schema; it is an error-free result with text only.
                return new CallToolResult
                {
                    Content = [new TextContentBlock { Text = JsonSerializer.Serialize(new DryRunText(true, result.EstimatedEffect ?? string.Empty, result.CallId), ToolJson.Options) }],
                };
            case ToolCallStatus.ToolError:
                return new CallToolResult
                {
                    IsError = true,
                    Content = [new TextContentBlock { Text = JsonSerializer.Serialize(new ErrorText(result.Error!, result.CallId), ToolJson.Options) }],
                };
            case ToolCallStatus.UnknownTool:
                throw new McpProtocolException(result.Error?.Message ?? $"Unknown tool '{result.Tool}'.", McpErrorCode.InvalidParams);
            default:
                throw new McpProtocolException(result.Error?.Message ?? "Internal error.", McpErrorCode.InternalError);
        }
    }

    private static Tool ToMcpTool(ToolDescriptor d) => new()
    {
        Name = d.Name,
        Title = d.Title,
        Description = DescribeForModel(d),
        InputSchema = d.InputSchema,
        OutputSchema = d.OutputSchema,
        Annotations = new ToolAnnotations
        {
            Title = d.Title,
            ReadOnlyHint = d.Hints.ReadOnly,
            DestructiveHint = d.Hints.Destructive,
            IdempotentHint = d.Hints.Idempotent,
            OpenWorldHint = d.Hints.OpenWorld,
        },
    };

    /// <summary>tools/list has no fields for mode and rate limit; say them in the description so the model knows before calling.</summary>
    private static string DescribeForModel(ToolDescriptor d)
    {
        var rules = new List<string>();
        if (d.Mutates) rules.Add("mutates state (counts against your mutation budget)");
        if (d.IsRateLimited) rules.Add($"at most once every {d.MinInterval.TotalSeconds:0.###} s{(d.RateLimitScope == RateLimitScope.Global ? " node-wide" : string.Empty)}");
        return rules.Count == 0 ? d.Description : $"{d.Description} [{string.Join("; ", rules)}]";
    }

    /// <summary>Text of a tool error result.</summary>
    private sealed record ErrorText(ToolError Error, Guid CallId);

    /// <summary>Text of a dry-run result.</summary>
    private sealed record DryRunText(bool WouldMutate, string EstimatedEffect, Guid CallId);
}
