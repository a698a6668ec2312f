namespace NerfEngine.Control.Mcp;

/// <summary>
/// The MCP endpoint's configuration (section <c>Mcp</c>): who may call (bearer tokens → agents), from which
/// browser origins, how large a request may be, and where ingest_pcap may read files.
/// </summary>
public sealed class McpOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mcp";

    /// <summary>Default largest request body: 1 MiB (tool arguments are small; pcaps go by server-side path).</summary>
    public const long DefaultMaxRequestBytes = 1 << 20;

    /// <summary>Route of the Streamable HTTP endpoint on the node's web application.</summary>
    public string Path { get; set; } = "/mcp";

    /// <summary>Agents and their credentials. No agents: every HTTP request is refused with 401.</summary>
    public List<McpAgentOptions> Agents { get; set; } = [];

    /// <summary>
    /// Browser origins allowed to call (exact <c>scheme://host[:port]</c>, case-insensitive). Requests without an
    /// Origin header (non-browser clients) are allowed; a present Origin not listed is refused with 403, which is
    /// the Streamable HTTP defence against DNS rebinding.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Largest accepted request body in bytes; larger → 413.</summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <summary>The only directory ingest_pcap reads from (relative to the working directory). Paths outside it, or escaping it through links, are refused.</summary>
    public string PcapDirectory { get; set; } = ".nerf/pcap";

    /// <summary>Finished ingest jobs remembered for get_ingest_job.</summary>
    public int IngestJobHistory { get; set; } = 100;

    /// <summary>Ingest jobs waiting behind the running one before ingest_pcap refuses more.</summary>
    public int IngestQueueCapacity { get; set; } = 8;

    /// <summary>Lowest level of the MCP SDK's own log messages that is kept (it logs refused calls as warnings; the audit has them).</summary>
    public Microsoft.Extensions.Logging.LogLevel SdkLogLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Error;

    /// <summary>
    /// <c>mcp --stdio</c>: when stdin closes, how long the server keeps answering the requests it already read before it
    /// exits anyway (a client that pipes requests and closes stdin still gets every answer).
    /// </summary>
    public TimeSpan StdioDrainTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Server name reported in initialize.</summary>
    public string ServerName { get; set; } = "nerf-control";

    /// <summary>Instructions sent to clients at initialize.</summary>
    public string Instructions { get; set; } =
        "NerfEngine control node. Call list_tools_schema first: it shows every tool you may call with its rate limit, " +
        "mutates flag and your remaining mutation budget. Node ids are 0x-prefixed 64-bit hex strings; edge ids come from query tools.";

    /// <summary>Every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/')) errors.Add("Mcp:Path must start with '/'.");
        if (MaxRequestBytes < 1024) errors.Add("Mcp:MaxRequestBytes must be at least 1024.");
        if (IngestJobHistory < 1) errors.Add("Mcp:IngestJobHistory must be at least 1.");
        if (IngestQueueCapacity < 1) errors.Add("Mcp:IngestQueueCapacity must be at least 1.");
        if (StdioDrainTimeout <= TimeSpan.Zero) errors.Add("Mcp:StdioDrainTimeout must be positive.");
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                errors.Add($"Mcp:AllowedOrigins entry '{origin}' must be scheme://host[:port] with no path.");
            }
        }

        return errors;
    }
}

/// <summary>One agent's credentials (an entry of <c>Mcp:Agents</c>).</summary>
public sealed class McpAgentOptions
{
    /// <summary>Agent name (audit records, rate limits and budgets key on it).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Bearer token in clear (convenient for development); prefer <see cref="TokenSha256"/>.</summary>
    public string? Token { get; set; }

    /// <summary>Hex SHA-256 of the bearer token, so configuration files need not hold the secret.</summary>
    public string? TokenSha256 { get; set; }

    /// <summary>observe, mutate or admin.</summary>
    public string Mode { get; set; } = "observe";

    /// <summary>Mutations admitted per sliding hour (SPEC §6 default 10).</summary>
    public int MutationBudgetPerHour { get; set; } = Registry.AgentIdentity.DefaultMutationBudgetPerHour;
}
