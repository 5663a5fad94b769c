-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "defaultLanguage" TEXT NOT NULL DEFAULT 'nl',
ADD COLUMN     "mailSenderName" TEXT;

-- AlterTable
ALTER TABLE "FollowUp" ADD COLUMN     "addressKey" TEXT,
ADD COLUMN     "encryptedAddress" TEXT,
ADD COLUMN     "remindAt" TIMESTAMP(3),
ADD COLUMN     "remindedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "FollowUp_addressKey_createdAt_idx" ON "FollowUp"("addressKey", "createdAt");

-- CreateIndex
CREATE INDEX "FollowUp_remindAt_idx" ON "FollowUp"("remindAt");

