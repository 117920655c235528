using System;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// Reads what Windows records about where a certificate's private key lives (its CERT_KEY_PROV_INFO_PROP_ID
    /// property, a CRYPT_KEY_PROV_INFO), so the TLS protocols can be chosen from the key's provider rather than from the
    /// .NET type that wraps it. Plain bytes in, so it is unit-tested on any platform; <see cref="WindowsKeyProviderInfo"/>
    /// fetches the bytes on Windows.
    /// </summary>
    /// <remarks>
    /// Why not <c>GetRSAPrivateKey() is RSACryptoServiceProvider</c>: .NET opens software CAPI keys through CNG and
    /// returns RSACng for them too (dotnet/corefx#3502, dotnet/corefx#2964 "Make GetRSAPrivateKey prefer CNG"), so that
    /// test is never true for the keys it was meant to catch.
    /// CRYPT_KEY_PROV_INFO (wincrypt.h, learn.microsoft.com "CRYPT_KEY_PROV_INFO structure"):
    /// { LPWSTR pwszContainerName; LPWSTR pwszProvName; DWORD dwProvType; DWORD dwFlags; DWORD cProvParam;
    ///   PCRYPT_KEY_PROV_PARAM rgProvParam; DWORD dwKeySpec; }. "If [dwProvType] is zero, the key container is one of
    /// the CNG key storage providers"; otherwise it is a CAPI CSP type (PROV_RSA_FULL = 1, PROV_RSA_AES = 24…).
    /// </remarks>
    public static class KeyProviderInfo
    {
        /// <summary>The offset of dwProvType: it follows the two string pointers.</summary>
        public static int ProviderTypeOffset(int pointerSize) => 2 * pointerSize;

        /// <summary>
        /// dwProvType from the raw CRYPT_KEY_PROV_INFO bytes (native byte order), or null when the buffer is too short
        /// to hold it.
        /// </summary>
        public static int? ProviderTypeOf(byte[] keyProvInfo, int pointerSize)
        {
            int offset = ProviderTypeOffset(pointerSize);
            if (keyProvInfo == null || keyProvInfo.Length < offset + 4)
            {
                return null;
            }

            return BitConverter.ToInt32(keyProvInfo, offset);
        }

        /// <summary>
        /// True when the key is held by a legacy CAPI provider (dwProvType is not zero). No provider info at all (an
        /// ephemeral key, or one the platform holds in memory) is not CAPI.
        /// </summary>
        public static bool IsCapi(int? providerType) => providerType.HasValue && providerType.Value != 0;
    }
}
