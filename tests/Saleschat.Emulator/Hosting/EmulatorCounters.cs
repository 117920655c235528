using System.Collections.Concurrent;

namespace Saleschat.Emulator.Hosting;

/// <summary>
/// What tests assert on: connection reuse (TLS handshakes vs requests), the negotiated protocol, and how many times
/// a retried request reached the server. Updated from many Kestrel threads at once, hence Interlocked.
/// </summary>
internal sealed class EmulatorCounters
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private long _tlsConnections;
    private long _requests;
    private volatile string? _lastProtocol;

    public long TlsConnections => Interlocked.Read(ref _tlsConnections);

    public long Requests => Interlocked.Read(ref _requests);

    public string? LastProtocol => _lastProtocol;

    public void RecordTlsConnection() => Interlocked.Increment(ref _tlsConnections);

    public void RecordRequest(string protocol)
    {
        Interlocked.Increment(ref _requests);
        _lastProtocol = protocol;
    }

    /// <returns>The attempt number of this request for the key, starting at 1.</returns>
    public int RecordAttempt(string key) => _attempts.AddOrUpdate(key, 1, static (_, count) => count + 1);

    public int Attempts(string key) => _attempts.TryGetValue(key, out var count) ? count : 0;

    public void Reset()
    {
        Interlocked.Exchange(ref _tlsConnections, 0);
        Interlocked.Exchange(ref _requests, 0);
        _lastProtocol = null;
        _attempts.Clear();
    }
}
