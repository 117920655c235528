namespace Saleschat.Mtls.Http
{
    /// <summary>
    /// What to say when a server refused a CA-issued client certificate whose chain, as sent, does not reach a
    /// self-signed root: one text for the hello diagnosis and for every API call's error. It names the missing issuer
    /// and how to give it; it never says "upload it": no upload makes a server build a chain it was not sent.
    /// </summary>
    internal static class ClientChainAdvice
    {
        /// <summary>"TLS alert unknown ca" for a named alert, else "TLS refusal".</summary>
        public static string Said(string alertName) => alertName == null ? "TLS refusal" : "TLS alert " + alertName.Replace('_', ' ');

        /// <summary>The sentence as a message starts it (capitalised).</summary>
        public static string Sentence(string said, string missingIssuer) => "T" + Text(said, missingIssuer).Substring(1);

        public static string Text(string said, string missingIssuer) =>
            $"the server refused the client certificate ({said}), and the chain the module sends stops short of a root: the issuer '{missingIssuer}' is missing. Give its CA certificate with -ChainPath, or after the certificate in a full-chain PEM, then try again.";
    }
}
