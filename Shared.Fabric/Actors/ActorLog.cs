using Microsoft.Extensions.Logging;

namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>Every log line of the kernel, source-generated so disabled levels cost nothing.</summary>
internal static partial class ActorLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Actor {Path} failed; supervisor directive: {Directive}")]
    public static partial void ActorFailed(ILogger logger, string path, SupervisorDirective directive, Exception reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Actor {Path} exceeded {MaxRestarts} restarts within {Window}; stopping it")]
    public static partial void RestartLimitExceeded(ILogger logger, string path, int? maxRestarts, TimeSpan window);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Restarting actor {Path} in {Backoff}")]
    public static partial void Restarting(ILogger logger, string path, TimeSpan backoff);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Actor {Path}: {Hook} threw; the kernel carries on")]
    public static partial void HookFailed(ILogger logger, string path, string hook, Exception error);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Top-level actor {Path} escalated a failure to the guardian; it has been stopped")]
    public static partial void EscalatedToGuardian(ILogger logger, string path, Exception reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Supervisor decider for {Path} threw; stopping the actor")]
    public static partial void DeciderFailed(ILogger logger, string path, Exception error);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Coordinated shutdown phase {Phase} timed out after {Timeout}; continuing with the next phase")]
    public static partial void ShutdownPhaseTimedOut(ILogger logger, string phase, TimeSpan timeout);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Coordinated shutdown task {Task} in phase {Phase} failed")]
    public static partial void ShutdownTaskFailed(ILogger logger, string task, string phase, Exception error);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Critical, Message = "Kernel fault in the loop of actor {Path}; the actor is terminated")]
    public static partial void KernelFault(ILogger logger, string path, Exception error);
}
