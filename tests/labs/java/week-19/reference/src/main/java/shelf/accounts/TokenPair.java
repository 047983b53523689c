package shelf.accounts;

/** The answer of login, refresh and the provider's callback (RFC 6749 §5.1). */
public record TokenPair(String accessToken, String refreshToken, String tokenType, long expiresIn) {

    public static TokenPair bearer(String accessToken, String refreshToken) {
        return new TokenPair(accessToken, refreshToken, "Bearer", AccessTokens.TTL_S);
    }
}
