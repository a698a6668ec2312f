using Microsoft.Extensions.Logging;
using ModelContextProtocol;

namespace NerfEngine.Control.Mcp;

/// <summary>
/// The logger factory handed to the MCP SDK: the SDK logs every refused tools/call (unknown tool, internal error)
/// as an error with a stack trace, which for the registry is an expected, already-audited outcome. A refusal for bad
/// input (any protocol error but an internal one) becomes one Information line without a stack; below
/// <see cref="McpOptions.SdkLogLevel"/> other messages are dropped; everything else logs as configured.
/// </summary>
internal sealed class SdkLoggerFactory(ILoggerFactory inner, LogLevel minimum) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Filtered(inner.CreateLogger(categoryName), minimum);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the host.
    }

    private sealed class Filtered(ILogger inner, LogLevel minimum) : ILogger
    {
        /// <summary>" tools/call NAME" when the SDK's message names a tool (its ToolName field), otherwise empty.</summary>
        private static string ToolOf<TState>(TState state) =>
            state is IReadOnlyList<KeyValuePair<string, object?>> fields && fields.FirstOrDefault(f => f.Key == "ToolName").Value is { } tool
                ? $" tools/call \"{tool}\""
                : string.Empty;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is McpProtocolException { ErrorCode: not McpErrorCode.InternalError } refused)
            {
                // An unknown tool or a malformed request: bad input the client was answered about (and the registry audited),
                // not a fault of the node, so one line at Information without the SDK's "threw an unhandled exception" and stack.
                if (inner.IsEnabled(LogLevel.Information))
                {
                    inner.LogInformation(eventId, "MCP request refused ({Code}){Tool}: {Reason}", refused.ErrorCode, ToolOf(state), refused.Message);
                }

                return;
            }

            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
