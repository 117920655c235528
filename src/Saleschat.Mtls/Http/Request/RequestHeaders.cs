using System;
using System.Collections.Generic;
using Saleschat.Mtls.Errors;

namespace Saleschat.Mtls.Http.Request
{
    /// <summary>
    /// THE HEADER GATE: the extra headers of an <see cref="ApiRequest"/>. A header gets in only through
    /// <see cref="Set"/>, which checks it (<see cref="HeaderValidator"/>) and throws InvalidHeader, so whoever builds
    /// a request finds out before anything is sent, and the sender, which writes these headers with
    /// TryAddWithoutValidation (as given, CR/LF included), never holds one that was not checked.
    /// </summary>
    public sealed class RequestHeaders
    {
        // Header names are case-insensitive (RFC 9110 section 5.1): a second spelling of the same name replaces the first.
        private readonly Dictionary<string, string> _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public int Count => _headers.Count;

        /// <summary>Adds the header, or replaces the value of one with the same name.</summary>
        /// <exception cref="SaleschatException"><see cref="ErrorIds.InvalidHeader"/>, naming the header (never its value); nothing is added.</exception>
        public void Set(string name, string value)
        {
            HeaderValidator.Validate(name, value);
            _headers[name] = value;
        }

        public bool Contains(string name) => _headers.ContainsKey(name);

        /// <summary>The checked headers (a struct enumerator: nothing is allocated per request to read them).</summary>
        public Dictionary<string, string>.Enumerator GetEnumerator() => _headers.GetEnumerator();
    }
}
