namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>
/// Kernel messages. They travel in a separate queue so they are never blocked by a full bounded
/// mailbox and are handled before the next user message.
/// </summary>
internal abstract record SystemMessage;

/// <summary>Stop after the message in hand.</summary>
internal sealed record StopRequest : SystemMessage
{
    /// <summary>The only instance.</summary>
    public static readonly StopRequest Instance = new();
}

/// <summary>A watched actor has stopped.</summary>
internal sealed record WatchedActorTerminated(Terminated Notification) : SystemMessage;

/// <summary>A child escalated its failure: this actor fails with the same reason.</summary>
internal sealed record ChildFailed(IActorRef Child, Exception Reason) : SystemMessage;
