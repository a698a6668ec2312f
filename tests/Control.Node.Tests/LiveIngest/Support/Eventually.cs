namespace NerfEngine.Tests.ControlNode.LiveIngest.Support;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within {seconds} s: {what}");
            await Task.Delay(20);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what, double seconds = 15) =>
        HoldsAsync(() => Task.FromResult(condition()), what, seconds);
}
