-- AlterTable
ALTER TABLE "FollowUp" ADD COLUMN "addressKey" TEXT;
ALTER TABLE "FollowUp" ADD COLUMN "encryptedAddress" TEXT;
ALTER TABLE "FollowUp" ADD COLUMN "remindAt" DATETIME;
ALTER TABLE "FollowUp" ADD COLUMN "remindedAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Organisation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "names" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "contact" TEXT NOT NULL DEFAULT '',
    "complaints" TEXT NOT NULL DEFAULT '',
    "minGroupSize" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "defaultLanguage" TEXT NOT NULL DEFAULT 'nl',
    "mailSenderName" TEXT
);
INSERT INTO "new_Organisation" ("complaints", "contact", "createdAt", "id", "minGroupSize", "names", "slug", "timeZone", "version") SELECT "complaints", "contact", "createdAt", "id", "minGroupSize", "names", "slug", "timeZone", "version" FROM "Organisation";
DROP TABLE "Organisation";
ALTER TABLE "new_Organisation" RENAME TO "Organisation";
CREATE UNIQUE INDEX "Organisation_slug_key" ON "Organisation"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "FollowUp_addressKey_createdAt_idx" ON "FollowUp"("addressKey", "createdAt");

-- CreateIndex
CREATE INDEX "FollowUp_remindAt_idx" ON "FollowUp"("remindAt");

