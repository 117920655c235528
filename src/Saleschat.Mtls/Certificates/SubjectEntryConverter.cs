using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace Saleschat.Mtls.Certificates
{
    /// <summary>
    /// The ASN.1 string type of each subject attribute. BouncyCastle's default converter writes C, serialNumber
    /// and dnQualifier as PrintableString and emailAddress/DC as IA5String whatever the value holds, turning
    /// every character those types cannot hold into '?', and reads a value starting with '#' as hex DER.
    /// Here the value is always literal text: the country is a PrintableString (RFC 5280 appendix A,
    /// X520countryName; its two letters are checked before), the other PrintableString and IA5String
    /// attributes keep their type when the value fits it and go as UTF8String when it does not, and
    /// everything else is UTF8String, as RFC 5280 section 4.1.2.4 asks of new certificates.
    /// </summary>
    internal sealed class SubjectEntryConverter : X509NameEntryConverter
    {
        public override Asn1Object GetConvertedValue(DerObjectIdentifier oid, string value)
        {
            if (oid.Equals(X509Name.C))
            {
                return new DerPrintableString(value, validate: true);
            }

            if ((oid.Equals(X509Name.SerialNumber) || oid.Equals(X509Name.DnQualifier) || oid.Equals(X509Name.TelephoneNumber))
                && DerPrintableString.IsPrintableString(value))
            {
                return new DerPrintableString(value);
            }

            if ((oid.Equals(X509Name.EmailAddress) || oid.Equals(X509Name.DC)) && DerIA5String.IsIA5String(value))
            {
                return new DerIA5String(value);
            }

            return new DerUtf8String(value);
        }
    }
}
