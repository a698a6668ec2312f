namespace NerfEngine.Shared.Fabric.Actors;

/// <summary>What a supervisor does with a child whose handler threw.</summary>
public enum SupervisorDirective
{
    /// <summary>Keep the instance and its state; drop the failed message and go on. Treated as Restart when the failure happened while starting.</summary>
    Resume,

    /// <summary>Replace the instance after a backoff; the mailbox is kept, only the failed message is lost.</summary>
    Restart,

    /// <summary>Stop the child; watchers get Terminated, the mailbox becomes dead letters.</summary>
    Stop,

    /// <summary>Stop the child and fail the parent with the same exception, so the grandparent decides.</summary>
    Escalate,
}
