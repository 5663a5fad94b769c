-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Response" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "surveyVersionId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "serviceId" TEXT,
    "contactChannel" TEXT,
    "leadTimeDays" INTEGER,
    "contactCount" INTEGER,
    "chatChannel" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "location" TEXT,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "heldBack" BOOLEAN NOT NULL DEFAULT false,
    "residentKey" TEXT NOT NULL,
    "conversationKey" TEXT NOT NULL,
    "followUpId" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastActivityAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME,
    CONSTRAINT "Response_surveyVersionId_fkey" FOREIGN KEY ("surveyVersionId") REFERENCES "SurveyVersion" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Response_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Response_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Response_followUpId_fkey" FOREIGN KEY ("followUpId") REFERENCES "FollowUp" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Response" ("chatChannel", "completedAt", "contactChannel", "contactCount", "conversationKey", "followUpId", "id", "language", "lastActivityAt", "leadTimeDays", "location", "organisationId", "residentKey", "serviceId", "source", "startedAt", "status", "surveyVersionId") SELECT "chatChannel", "completedAt", "contactChannel", "contactCount", "conversationKey", "followUpId", "id", "language", "lastActivityAt", "leadTimeDays", "location", "organisationId", "residentKey", "serviceId", "source", "startedAt", "status", "surveyVersionId" FROM "Response";
DROP TABLE "Response";
ALTER TABLE "new_Response" RENAME TO "Response";
CREATE UNIQUE INDEX "Response_followUpId_key" ON "Response"("followUpId");
CREATE INDEX "Response_status_lastActivityAt_idx" ON "Response"("status", "lastActivityAt");
CREATE INDEX "Response_residentKey_startedAt_idx" ON "Response"("residentKey", "startedAt");
CREATE INDEX "Response_conversationKey_status_idx" ON "Response"("conversationKey", "status");
CREATE INDEX "Response_heldBack_organisationId_startedAt_idx" ON "Response"("heldBack", "organisationId", "startedAt");
CREATE INDEX "Response_organisationId_startedAt_idx" ON "Response"("organisationId", "startedAt");
CREATE TABLE "new_RateLimitWindow" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "count" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- The old windows are keyed by raw client addresses: they are not carried over (they expire within minutes anyway).
DROP TABLE "RateLimitWindow";
ALTER TABLE "new_RateLimitWindow" RENAME TO "RateLimitWindow";
CREATE INDEX "RateLimitWindow_expiresAt_idx" ON "RateLimitWindow"("expiresAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

