using Microsoft.Extensions.Logging;

namespace NerfEngine.Control.Mcp;

/// <summary>
/// The logger factory handed to the MCP SDK: the SDK logs every refused tools/call (unknown tool, internal error)
/// as a warning with a stack trace, which for the registry is an expected, already-audited outcome. Below
/// <see cref="McpOptions.SdkLogLevel"/> its messages are dropped; everything else logs as configured.
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
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
