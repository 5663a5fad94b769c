-- AlterTable
ALTER TABLE "Response" ADD COLUMN     "heldBack" BOOLEAN NOT NULL DEFAULT false;

-- The old windows are keyed by raw client addresses: they are not carried over (they expire within minutes anyway).
DELETE FROM "RateLimitWindow";

-- AlterTable
ALTER TABLE "RateLimitWindow" DROP COLUMN "windowStart",
ADD COLUMN     "expiresAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "Response_heldBack_organisationId_startedAt_idx" ON "Response"("heldBack", "organisationId", "startedAt");

-- CreateIndex
CREATE INDEX "RateLimitWindow_expiresAt_idx" ON "RateLimitWindow"("expiresAt");

