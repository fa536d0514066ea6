// jose (JWS/JWT), a chunk of its own: only minting or verifying a token loads it, so a
// credential get from env, file or the store does not pay to load it.
export * from 'jose';
