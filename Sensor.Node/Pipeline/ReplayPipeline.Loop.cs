using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Pipeline;

public sealed partial class ReplayPipeline
{
    /// <summary>The loop: read, pace, parse, track, batch; then flush everything and drain the outbox.</summary>
    private async Task<ReplaySummary> RunAsync()
    {
        CaptureFileReader reader = _reader!;
        CancellationToken stop = _stop.Token;
        long started = _time.GetTimestamp();
        var clock = new ReplayClock(_options.Speed, _time);
        var sink = new ReplayEdgeSink(_batcher!, _ledger);
        bool completed = false;
        string? error = null;
        string? warning = null;
        try
        {
            while (reader.MoveNext())
            {
                if (!_options.Speed.IsMaximum)
                {
                    ValueTask due = clock.WaitAsync(reader.Current.TimestampNanoseconds, stop);
                    if (!due.IsCompleted)
                    {
                        await due.ConfigureAwait(false);
                    }
                }
                else if ((_packetsRead & CancellationCheckMask) == 0)
                {
                    stop.ThrowIfCancellationRequested();
                }

                ProcessCurrent(reader, ref sink);
            }

            completed = true;
        }
        catch (CaptureFileTruncatedException ex)
        {
            // A capture cut while being written: every complete record was replayed.
            completed = true;
            warning = ex.Message;
        }
        catch (CaptureFileFormatException ex)
        {
            error = ex.Message;
            Volatile.Write(ref _lastError, ex.Message);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            warning = "Replay stopped before the end of the file.";
        }
        finally
        {
            reader.Dispose();
        }

        if (completed)
        {
            Volatile.Write(ref _filePosition, _fileLength);
        }

        // The capture is over either way: close every flow so the summary and the edges are whole.
        _tracker.Flush(ref sink);
        _batcher!.Flush();
        using (var drain = new CancellationTokenSource(_options.EffectiveDrainTimeout, _time))
        using (stop.Register(static s => ((CancellationTokenSource)s!).Cancel(), drain))
        {
            await _outbox!.CompleteAsync(drain.Token).ConfigureAwait(false);
        }

        return BuildSummary(reader.Format, _time.GetElapsedTime(started), completed, error, warning);
    }

    /// <summary>Parses the current record and feeds the batcher's clock and the tracker (event time).</summary>
    private void ProcessCurrent(CaptureFileReader reader, ref ReplayEdgeSink sink)
    {
        CaptureRecord record = reader.Current;
        long timestamp = record.TimestampNanoseconds;
        ParseOutcome outcome = PacketParser.Parse(record.Data, out ParsedPacket packet, record.OriginalLength, linkType: record.LinkType);
        _parseCounters.Record(outcome, in packet);
        _batcher!.Advance(timestamp);
        if (outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6)
        {
            _tracker.Observe(in packet, timestamp, ref sink);
        }
        else
        {
            _tracker.Advance(timestamp, ref sink);
        }

        if (_packetsRead == 0)
        {
            _firstTimestampNs = timestamp;
        }

        _lastTimestampNs = timestamp;
        Volatile.Write(ref _filePosition, record.FileOffset);
        Volatile.Write(ref _packetsRead, _packetsRead + 1);
    }

    private ReplaySummary BuildSummary(CaptureFileFormat format, TimeSpan elapsed, bool completed, string? error, string? warning) => new(
        Path: _options.Path,
        Format: format,
        Speed: _options.Speed,
        Elapsed: elapsed,
        PacketsRead: _packetsRead,
        FileLength: _fileLength,
        FirstTimestampNs: _firstTimestampNs,
        LastTimestampNs: _lastTimestampNs,
        ParseOutcomes: _parseCounters.Snapshot(),
        Fragments: _parseCounters.Fragments,
        Flows: _tracker.GetStats(),
        Publishing: _outbox!.GetStats(),
        Capture: Stats,
        Conversations: _ledger.GetConversations(),
        OmittedConversations: _ledger.OmittedConversations,
        Completed: completed,
        Error: error,
        Warning: warning);
}
