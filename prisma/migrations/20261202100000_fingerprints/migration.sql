-- Device fingerprints (issue 6). Authored by hand in the shape `prisma migrate diff` emits.

-- CreateTable
CREATE TABLE "FingerprintProfile" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "interactionId" TEXT,
    "sessionUid" TEXT,
    "components" JSONB NOT NULL,
    "digest" TEXT NOT NULL,
    "coarse" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FingerprintProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FingerprintChange" (
    "id" SERIAL NOT NULL,
    "profileId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "changed" TEXT[],
    "clientId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FingerprintChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FingerprintProfile_userId_idx" ON "FingerprintProfile"("userId");

-- CreateIndex
CREATE INDEX "FingerprintProfile_sessionUid_idx" ON "FingerprintProfile"("sessionUid");

-- CreateIndex
CREATE INDEX "FingerprintProfile_interactionId_idx" ON "FingerprintProfile"("interactionId");

-- CreateIndex
CREATE INDEX "FingerprintProfile_expiresAt_idx" ON "FingerprintProfile"("expiresAt");

-- CreateIndex
CREATE INDEX "FingerprintChange_profileId_idx" ON "FingerprintChange"("profileId");

-- CreateIndex
CREATE INDEX "FingerprintChange_createdAt_idx" ON "FingerprintChange"("createdAt");

-- AddForeignKey
ALTER TABLE "FingerprintProfile" ADD CONSTRAINT "FingerprintProfile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FingerprintChange" ADD CONSTRAINT "FingerprintChange_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "FingerprintProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;
