namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

/// <summary>Waits for a condition the server reaches on its own time (an event received, a call ended).</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}
